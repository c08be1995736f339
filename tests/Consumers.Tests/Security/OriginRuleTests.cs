using Consumers.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Consumers.Tests.Security;

/// <summary>
/// The origin rule on its own: an origin is scheme, host and port (RFC 6454), all three compared with the request's
/// own (its scheme and <c>Host</c> header), or listed in <c>AllowedOrigins</c>; <c>AllowedHosts</c> allows no origin.
/// </summary>
[TestFixture]
public sealed class OriginRuleTests
{
    private static HttpRequest Request(string scheme, string host, string? origin)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = scheme;
        context.Request.Host = new HostString(host);
        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        return context.Request;
    }

    [TestCase("http", "127.0.0.1:5000", "http://127.0.0.1:5000", true, TestName = "Own_SameSchemeHostAndPort")]
    [TestCase("http", "127.0.0.1:5000", "http://127.0.0.1:5299", false, TestName = "Own_AnotherPortOfTheSameHost")]
    [TestCase("http", "127.0.0.1:5000", "https://127.0.0.1:5000", false, TestName = "Own_AnotherScheme")]
    [TestCase("http", "127.0.0.1:5000", "http://localhost:5000", false, TestName = "Own_AnotherNameOfTheSameMachine")]
    [TestCase("http", "app.example", "http://app.example", true, TestName = "Own_DefaultPortOnBothSides")]
    [TestCase("http", "app.example", "http://app.example:80", true, TestName = "Own_ExplicitDefaultPortInTheOrigin")]
    [TestCase("http", "app.example:80", "http://app.example", true, TestName = "Own_ExplicitDefaultPortInTheHost")]
    [TestCase("https", "app.example", "https://app.example:8443", false, TestName = "Own_HostWithoutPort_OriginOnAnotherPort")]
    [TestCase("https", "APP.example:443", "https://app.EXAMPLE", true, TestName = "Own_HostsCompareCaseInsensitively")]
    [TestCase("http", "[::1]:5000", "http://[::1]:5000", true, TestName = "Own_IPv6Literal")]
    [TestCase("http", "[::1]:5000", "http://[::1]:5001", false, TestName = "Own_IPv6Literal_AnotherPort")]
    [TestCase("http", "app.example", "null", false, TestName = "Own_OpaqueOriginNull")]
    [TestCase("http", "app.example", "file:///index.html", false, TestName = "Own_FileScheme")]
    [TestCase("http", "app.example", "http://app.example/page", false, TestName = "Own_NotAnOrigin_HasAPath")]
    [TestCase("http", "app.example", "http://user@app.example", false, TestName = "Own_NotAnOrigin_HasUserInfo")]
    [TestCase("http", "", "http://app.example", false, TestName = "Own_RequestWithoutHost")]
    public void OwnOrigin_IsSchemeHostAndPort(string scheme, string host, string origin, bool expected)
        => Assert.That(OriginValidator.IsOwnOrigin(origin, Request(scheme, host, origin)), Is.EqualTo(expected));

    [Test]
    public void AllowedHosts_AloneAllowNoOtherOrigin()
    {
        var validator = new OriginValidator([], ["app.example", "*.example.org"], NullLogger.Instance);
        Assert.Multiple(() =>
        {
            Assert.That(validator.IsAllowed(Request("http", "app.example", "http://app.example:5299"), out _), Is.False);
            Assert.That(validator.IsAllowed(Request("http", "app.example", "http://chat.example.org"), out _), Is.False);
            Assert.That(validator.IsAllowed(Request("http", "app.example", "http://app.example"), out _), Is.True);
        });
    }

    [Test]
    public void AllowedOrigins_ListedOriginsMatchExactly_TrailingSlashAndCaseAside()
    {
        var validator = new OriginValidator(["https://app.example.com/", "http://localhost:3000"], [], NullLogger.Instance);
        Assert.Multiple(() =>
        {
            Assert.That(validator.IsAllowed(Request("http", "api.example:8080", "https://APP.example.com"), out _), Is.True);
            Assert.That(validator.IsAllowed(Request("http", "api.example:8080", "http://localhost:3000"), out _), Is.True);
            Assert.That(validator.IsAllowed(Request("http", "api.example:8080", "http://localhost:3001"), out _), Is.False);
            Assert.That(validator.IsAllowed(Request("http", "api.example:8080", "https://app.example.com:444"), out _), Is.False);
            Assert.That(validator.IsAllowed(Request("http", "api.example:8080", "http://api.example:8080"), out _), Is.True, "the app's own");
        });
    }

    [Test]
    public void NoOriginHeader_IsANonBrowserClient_AndAllowed()
        => Assert.That(new OriginValidator([], ["app.example"], NullLogger.Instance).IsAllowed(Request("http", "app.example", null), out var origin) && origin is null or "", Is.True);
}
