using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Chat.Accounts;

/// <summary>
/// The per-address rate limit of the account endpoints that hash a password (<c>/api/register</c>, <c>/api/token</c>,
/// <c>/account/register</c>, <c>/account/login</c>), with ASP.NET Core's rate limiting middleware: at most
/// <see cref="PerAddress"/> requests per <see cref="Window"/> from one address (<see cref="ClientAddress"/>; an IPv6
/// /64 counts as one), then 429 with <c>Retry-After</c>. Password hashing costs ~90 ms of a core, so this is also what
/// keeps one address from taking the node's CPU. Requests without an address (a test server) are not limited. Per
/// node, in memory. The per-name part of the limits is <see cref="SignInGuard"/>'s.
/// </summary>
public static class AccountLimits
{
    /// <summary>The policy's name, for <c>RequireRateLimiting</c>.</summary>
    public const string Policy = "accounts";

    public const int PerAddress = 20;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static IServiceCollection AddAccountLimits(this IServiceCollection services)
        => services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : Window;
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await Results.Json(
                    new ErrorReply([$"Too many account requests from your address: at most {PerAddress} a minute. Try again later."]),
                    AccountJson.Default.ErrorReply,
                    statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(context.HttpContext);
            };
            options.AddPolicy(Policy, context => ClientAddress.Of(context) is { } address
                ? RateLimitPartition.GetSlidingWindowLimiter(address, _ => new SlidingWindowRateLimiterOptions
                {
                    PermitLimit = PerAddress,
                    Window = Window,
                    SegmentsPerWindow = 6,
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter("no address"));
        });
}
