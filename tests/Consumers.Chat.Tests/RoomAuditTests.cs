using System.Collections.Concurrent;
using Consumers.Testing.Authentication;
using Consumers.Testing.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Consumers.Chat.Tests;

/// <summary>The chat's filter around <c>delete</c>: every deletion, and every refused one, is in the audit log.</summary>
[TestFixture]
[NonParallelizable]
public sealed class RoomAuditTests
{
    [Test]
    public async Task DeletingARoom_IsAudited_AndSoIsAStrangersRefusedAttempt()
    {
        var audit = new AuditCapture();
        await using var chat = new ChatFactory();
        await using var app = chat.WithWebHostBuilder(b => b
            .UseSetting("Logging:LogLevel:Chat.Consumers.RoomDeletionAudit", "Information")   // the factory logs warnings only
            .ConfigureLogging(l => l.AddProvider(audit))).WithTestAuthentication();
        await using var ann = await app.ConnectAsync("/ws/rooms", o => o.User = ConsumersTestAuthentication.User("ann"));
        await using var bob = await app.ConnectAsync("/ws/rooms", o => o.User = ConsumersTestAuthentication.User("bob"));
        var pk = (await ann.RequestAsync("""{"action": "create", "data": {"name": "audited"}, "request_id": 1}""")).Data.GetProperty("pk").GetInt32();

        var refused = await bob.RequestAsync($$"""{"action": "delete", "pk": {{pk}}, "request_id": 2}""");
        var deleted = await ann.RequestAsync($$"""{"action": "delete", "pk": {{pk}}, "request_id": 3}""");

        Assert.Multiple(() =>
        {
            Assert.That(refused.ResponseStatus, Is.EqualTo(403));
            Assert.That(deleted.ResponseStatus, Is.EqualTo(204));
            Assert.That(audit.Entries, Is.EqualTo(new[]
            {
                $"301 bob tried to delete room {pk}, which is not theirs.",
                $"300 Room {pk} deleted by ann.",
            }));
        });
    }

    private sealed class AuditCapture : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => categoryName == "Chat.Consumers.RoomDeletionAudit" ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Entries.Enqueue($"{eventId.Id} {formatter(state, exception)}");

        public void Dispose()
        {
        }
    }
}
