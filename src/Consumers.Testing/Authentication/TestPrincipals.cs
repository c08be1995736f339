using System.Collections.Concurrent;
using System.Security.Claims;

namespace Consumers.Testing.Authentication;

/// <summary>
/// The principals of connections being opened, by the id the kit sends in <see cref="ConsumersTestAuthentication.UserHeader"/>;
/// and the scheme the app authenticated with before the test scheme became the default (requests without a test
/// user are forwarded to it). A singleton of the host under test.
/// </summary>
internal sealed class TestPrincipals
{
    private readonly ConcurrentDictionary<string, ClaimsPrincipal> _principals = new(StringComparer.Ordinal);

    public string? ForwardScheme { get; set; }

    public string Add(ClaimsPrincipal principal)
    {
        var id = Guid.NewGuid().ToString("N");
        _principals[id] = principal;
        return id;
    }

    public bool TryGet(string id, out ClaimsPrincipal principal) => _principals.TryGetValue(id, out principal!);

    public void Remove(string id) => _principals.TryRemove(id, out _);
}
