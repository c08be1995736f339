using Consumers.Testing.Nats;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Consumers.Nats.Tests;

/// <summary>
/// A 3-node loopback cluster: each node routes to the other two. With JetStream each node has a file store of its own
/// (deleted with the cluster), and the cluster is ready once its JetStream meta group has a leader.
/// </summary>
internal sealed class NatsCluster : IAsyncDisposable
{
    private readonly string? _stores;

    private NatsCluster(NatsServer[] nodes, string? stores)
    {
        Nodes = nodes;
        _stores = stores;
    }

    public NatsServer[] Nodes { get; }

    /// <summary>Every node's client URL, in order.</summary>
    public IList<string> Urls => [.. Nodes.Select(n => n.Url)];

    public static async Task<NatsCluster> StartAsync(int size = 3, bool jetStream = false)
    {
        var clusterPorts = Enumerable.Range(0, size).Select(_ => NatsServer.GetFreePort()).ToArray();
        var stores = jetStream ? Directory.CreateTempSubdirectory("consumers-js-cluster-").FullName : null;
        var nodes = new List<NatsServer>();
        try
        {
            for (var i = 0; i < size; i++)
            {
                var routes = string.Join(',', clusterPorts.Where((_, j) => j != i).Select(p => $"nats://127.0.0.1:{p}"));
                string[] args = [
                    "-n", $"n{i + 1}",
                    "--cluster", $"nats://127.0.0.1:{clusterPorts[i].ToString(CultureInfo.InvariantCulture)}",
                    "--cluster_name", "tc",
                    "--routes", routes];
                if (stores is not null)
                {
                    args = [.. args, "-js", "-sd", Path.Combine(stores, $"n{i + 1}")];
                }

                nodes.Add(await NatsServer.StartAsync(null, null, true, args));
            }

            var cluster = new NatsCluster(nodes.ToArray(), stores);
            await cluster.WaitForRoutesAsync(size - 1);
            if (jetStream)
            {
                await cluster.WaitForJetStreamLeaderAsync();
            }

            return cluster;
        }
        catch
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }

        if (_stores is not null)
        {
            Directory.Delete(_stores, recursive: true);
        }
    }

    private async Task WaitForJetStreamLeaderAsync()
    {
        // A replicated stream can only be made once the servers have elected a meta leader (a few seconds at most).
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var ready = true;
            foreach (var node in Nodes)
            {
                using var jsz = JsonDocument.Parse(await node.GetMonitoringAsync("/jsz"));
                ready &= jsz.RootElement.TryGetProperty("meta_cluster", out var meta)
                    && meta.TryGetProperty("leader", out var leader) && leader.GetString() is { Length: > 0 };
            }

            if (ready)
            {
                return;
            }

            if (watch.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new AssertionException("The cluster's JetStream elected no meta leader within 20 s.");
            }

            await Task.Delay(50);
        }
    }

    private async Task WaitForRoutesAsync(int expected)
    {
        // Early dials are retried after ~1 s, so a mesh can take that long; bounded well above it.
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var ready = true;
            foreach (var node in Nodes)
            {
                using var routez = JsonDocument.Parse(await node.GetMonitoringAsync("/routez"));
                ready &= routez.RootElement.GetProperty("num_routes").GetInt32() >= expected;
            }

            if (ready)
            {
                return;
            }

            if (watch.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new AssertionException($"The cluster did not reach {expected} routes per node within 10 s.");
            }

            await Task.Delay(20);
        }
    }
}
