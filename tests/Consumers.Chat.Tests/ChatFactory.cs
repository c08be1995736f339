using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Consumers.Chat.Tests;

/// <summary>
/// The chat sample in-process (TestServer, no port), its database and keys in a test folder of its own. A test server
/// request has no client address; a request with the header <see cref="AddressHeader"/> comes from that address (the
/// per-address limits apply to it).
/// </summary>
internal sealed class ChatFactory : WebApplicationFactory<Program>
{
    public const string AddressHeader = "X-Test-Client-Address";

    private readonly string _directory = Directory.CreateTempSubdirectory("consumers-chat-factory-").FullName;

    public string Database => Path.Combine(_directory, "chat.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Chat", $"Data Source={Database}");
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
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder.
        }
    }
}
