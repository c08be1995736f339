using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Consumers.Testing.Authentication;

/// <summary>
/// Authenticates a request that carries <see cref="ConsumersTestAuthentication.UserHeader"/> as the principal the
/// test registered under that id; a request without it is forwarded (by <see cref="AuthenticationSchemeOptions.ForwardDefaultSelector"/>)
/// to the app's own default scheme, or is anonymous when the app has none.
/// </summary>
internal sealed class TestAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TestPrincipals principals)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(ConsumersTestAuthentication.UserHeader, out var id))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        return Task.FromResult(principals.TryGet(id.ToString(), out var principal)
            ? AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name))
            : AuthenticateResult.Fail($"No test user is registered under {ConsumersTestAuthentication.UserHeader}: {id}."));
    }
}
