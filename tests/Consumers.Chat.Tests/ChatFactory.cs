using System.Net;
using Consumers.Tests.Databases;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Chat.Tests;

/// <summary>
/// The chat sample in-process (TestServer, no port), its database and keys in a test folder of its own (SQLite), or a
/// database of its own on the tests' PostgreSQL server, keys included (<paramref name="kind"/>). A test server
/// request has no client address; a request with the header <see cref="AddressHeader"/> comes from that address (the
/// per-address limits apply to it).
/// </summary>
internal sealed class ChatFactory(DatabaseKind kind = DatabaseKind.Sqlite) : WebApplicationFactory<Program>
{
    public const string AddressHeader = "X-Test-Client-Address";

    // Made here (WebApplicationFactory configures synchronously): a temporary folder, or CREATE DATABASE.
    private readonly TestDatabase _database = TestDatabase.CreateAsync(kind, "chat-factory").GetAwaiter().GetResult();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Chat", _database.ConnectionString);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureServices(services => services.AddTransient<IStartupFilter, AddressFromHeader>());
    }

    /// <summary>An HTTP client whose requests come from <paramref name="address"/>, without cookie handling (tests set cookies themselves).</summary>
    public HttpClient CreateClient(string address)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        client.DefaultRequestHeaders.Add(AddressHeader, address);
        return client;
    }

    private sealed class AddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers[AddressHeader] is [{ } address])
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(address);
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }
}
