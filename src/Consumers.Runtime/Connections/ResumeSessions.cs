using System.Collections.Concurrent;

namespace Consumers.Connections;

/// <summary>
/// The resumable sessions of this node (<c>consumers.resume</c>), connected or parked, by id: where a client that comes
/// back with a token finds its session. A session is here from its first socket until it ends.
/// </summary>
internal sealed class ResumeSessions
{
    private readonly ConcurrentDictionary<string, ResumeSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>Sessions connected or parked on this node.</summary>
    public int Count => _sessions.Count;

    public void Add(ResumeSession session) => _sessions[session.Id] = session;

    public ResumeSession? Find(string id) => _sessions.TryGetValue(id, out var session) ? session : null;

    public void Remove(ResumeSession session) => _sessions.TryRemove(new KeyValuePair<string, ResumeSession>(session.Id, session));
}
