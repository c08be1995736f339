namespace Consumers.Groups.Nats.Client;

/// <summary>
/// Servers to (re)connect to: the seeds plus every <c>connect_urls</c> entry learned from INFO. Each pass is shuffled
/// (unless disabled) with the server that just failed moved last, as nats.go and nats.net do.
/// </summary>
internal sealed class NatsServerPool
{
    private readonly object _lock = new();
    private readonly List<NatsServerAddress> _servers = new();
    private readonly bool _noRandomize;

    public NatsServerPool(IEnumerable<string> seeds, bool noRandomize)
    {
        _noRandomize = noRandomize;
        foreach (var seed in seeds)
        {
            Add(NatsServerAddress.Parse(seed));
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _servers.Count;
            }
        }
    }

    /// <summary>Adds discovered servers; returns how many were new.</summary>
    public int AddDiscovered(IEnumerable<string> connectUrls)
    {
        var added = 0;
        foreach (var url in connectUrls)
        {
            if (NatsServerAddress.TryParse(url, out var address, out _) && Add(address))
            {
                added++;
            }
        }

        return added;
    }

    public IReadOnlyList<NatsServerAddress> GetOrder(NatsServerAddress? last)
    {
        List<NatsServerAddress> order;
        lock (_lock)
        {
            order = new List<NatsServerAddress>(_servers);
        }

        if (!_noRandomize)
        {
            Random.Shared.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(order));
        }

        if (last is not null && order.Remove(last))
        {
            order.Add(last);
        }

        return order;
    }

    private bool Add(NatsServerAddress address)
    {
        lock (_lock)
        {
            if (_servers.Contains(address))
            {
                return false;
            }

            _servers.Add(address);
            return true;
        }
    }
}
