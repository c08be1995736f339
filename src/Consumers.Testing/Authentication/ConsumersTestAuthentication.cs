using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Consumers.Testing.Authentication;

/// <summary>
/// The kit's test authentication scheme: a connection opened with <c>ConsumerConnectOptions.User</c> is authenticated
/// as that principal, so <c>[Authorize]</c>, permissions and <c>SendToUserAsync</c> see it as they would a signed-in
/// user. The scheme becomes the app's default authenticate scheme and forwards every request without a test user to
/// the app's previous default scheme, so cookies and tokens keep working beside it. Policies that name their own
/// schemes (<c>AuthenticationSchemes = "Bearer"</c>) do not consult it.
/// </summary>
public static class ConsumersTestAuthentication
{
    /// <summary>The scheme's name.</summary>
    public const string Scheme = "Consumers.Test";

    /// <summary>The handshake header that carries the id of the test user (set by the kit, not by tests).</summary>
    public const string UserHeader = "X-Consumers-Test-User";

    /// <summary>Registers the test scheme (call it in <c>ConfigureTestServices</c>, after the app's services).</summary>
    /// <param name="services">The app's services.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddConsumersTestAuthentication(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(TestPrincipals)))
        {
            return services;
        }

        var principals = new TestPrincipals();
        services.TryAddSingleton(principals);
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, TestAuthenticationHandler>(Scheme, o =>
            o.ForwardDefaultSelector = context => context.Request.Headers.ContainsKey(UserHeader) ? null : principals.ForwardScheme);
        services.PostConfigure<AuthenticationOptions>(o =>
        {
            var previous = o.DefaultAuthenticateScheme ?? o.DefaultScheme;
            if (previous != Scheme)
            {
                principals.ForwardScheme = previous;
            }

            o.DefaultScheme = Scheme;
            o.DefaultAuthenticateScheme = Scheme;
        });
        return services;
    }

    /// <summary>A copy of <paramref name="factory"/> whose app has the test scheme (<see cref="AddConsumersTestAuthentication"/>).</summary>
    /// <typeparam name="TEntryPoint">The app's entry point (its <c>Program</c>).</typeparam>
    /// <param name="factory">The app's factory.</param>
    /// <returns>A new factory (a host of its own, started on first use).</returns>
    public static WebApplicationFactory<TEntryPoint> WithTestAuthentication<TEntryPoint>(this WebApplicationFactory<TEntryPoint> factory)
        where TEntryPoint : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        return factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddConsumersTestAuthentication()));
    }

    /// <summary>
    /// A signed-in user for <c>ConsumerConnectOptions.User</c>: an authenticated identity with <paramref name="name"/>
    /// as its <see cref="ClaimTypes.Name"/> and <see cref="ClaimTypes.NameIdentifier"/> (the user id of
    /// <c>SendToUserAsync</c>), <paramref name="roles"/> as <see cref="ClaimTypes.Role"/> claims.
    /// </summary>
    /// <param name="name">The user's name.</param>
    /// <param name="roles">The user's roles.</param>
    /// <returns>The principal.</returns>
    public static ClaimsPrincipal User(string name, params string[] roles)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var identity = new ClaimsIdentity(Scheme, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.Name, name));
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, name));
        foreach (var role in roles)
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, role));
        }

        return new ClaimsPrincipal(identity);
    }

    internal static TestPrincipals? Principals(IServiceProvider services) => services.GetService<TestPrincipals>();
}
