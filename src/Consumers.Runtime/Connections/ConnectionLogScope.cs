using System.Collections;

namespace Consumers.Connections;

/// <summary>The logging scope of a connection: <c>ConnectionId</c>, as Kestrel and SignalR name it.</summary>
internal sealed class ConnectionLogScope(string connectionId) : IReadOnlyList<KeyValuePair<string, object>>
{
    public int Count => 1;

    public KeyValuePair<string, object> this[int index]
        => index == 0 ? new("ConnectionId", connectionId) : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
    {
        yield return this[0];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"ConnectionId:{connectionId}";
}
