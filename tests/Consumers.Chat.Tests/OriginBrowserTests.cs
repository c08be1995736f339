using System.Net;
using System.Text;
using Consumers.Testing.Nats;

namespace Consumers.Chat.Tests;

/// <summary>
/// Cross-site WebSocket hijacking from another port of the chat's own host, in real chromium: browsers send the
/// <c>SameSite=Strict</c> sign-in cookie to every port of a host, so only the origin check (scheme, host and port)
/// stands between a page on 127.0.0.1:other-port and the signed-in user's socket.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class OriginBrowserTests : BrowserFixture
{
    // Opens the rooms socket from the page it runs on and tries to create a room; says what happened.
    private static string Script(int chatPort, string room) => $$"""
        () => new Promise(resolve => {
          const socket = new WebSocket("ws://127.0.0.1:{{chatPort}}/ws/rooms");
          socket.onopen = () => socket.send(JSON.stringify({ action: "create", data: { name: "{{room}}" }, request_id: 1 }));
          socket.onmessage = event => { resolve("status " + JSON.parse(event.data).response_status); socket.close(); };
          socket.onerror = () => resolve("refused");
          setTimeout(() => resolve("no answer"), 10000);
        })
        """;

    [Test]
    public async Task APageOnAnotherPortOfTheSameHost_IsRefused_TheAppsOwnPageWorks()
    {
        await using var app = await ChatApp.StartAsync(Database, settings: new Dictionary<string, string> { ["Logging__LogLevel__Consumers"] = "Information" });
        var victim = await Chromium.OpenRoomAsync(app, "lobby", "victim");
        using var foreign = ForeignSite.Start();

        // The victim, signed in, visits a page served on another port of 127.0.0.1 (the chat's own host).
        var attacker = await victim.Context.NewPageAsync();
        await attacker.GotoAsync(foreign.Url);
        var hijack = await attacker.EvaluateAsync<string>(Script(app.Port, "hijacked"));

        // The chat's own page, same browser, same cookie.
        var own = await victim.Context.NewPageAsync();
        await own.GotoAsync(app.Url + "/");
        var genuine = await own.EvaluateAsync<string>(Script(app.Port, "genuine"));

        // The console logger writes on its own thread.
        var refusal = $"Handshake from origin http://127.0.0.1:{foreign.Port} refused with 403";
        for (var i = 0; i < 50 && !app.Log.Contains(refusal, StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }

        Assert.Multiple(() =>
        {
            Assert.That(hijack, Is.EqualTo("refused"));
            Assert.That(app.Log, Does.Contain(refusal), "refused for its origin, not for want of the cookie");
            Assert.That(genuine, Is.EqualTo("status 201"));
        });

        // Nothing was created by the foreign page.
        using var http = app.CreateHttpClient();
        var token = await ChatAccounts.RegisterAsync(http, "witness");
        await using var witness = await app.ConnectAsync(ChatAccounts.SocketPath(token));
        var found = await witness.RequestAsync("""{"action": "find_room", "name": "hijacked", "request_id": 1}""");
        Assert.That(found.ResponseStatus, Is.EqualTo(404));
    }

    /// <summary>A page of another origin: a static HTML page on another port of 127.0.0.1.</summary>
    private sealed class ForeignSite : IDisposable
    {
        private readonly HttpListener _listener;

        private ForeignSite(HttpListener listener, int port)
        {
            _listener = listener;
            Port = port;
        }

        public int Port { get; }

        public string Url => $"http://127.0.0.1:{Port}/";

        public static ForeignSite Start()
        {
            var port = NatsServer.GetFreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            listener.Start();
            var site = new ForeignSite(listener, port);
            _ = site.ServeAsync();
            return site;
        }

        private async Task ServeAsync()
        {
            var page = Encoding.UTF8.GetBytes("<!doctype html><title>Another site</title><p>Win a prize!</p>");
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.OutputStream.WriteAsync(page);
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }
}
