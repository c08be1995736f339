using Consumers.Testing.Nats;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Consumers.Nats.Tests;

/// <summary>A 3-node loopback cluster: each node routes to the other two.</summary>
internal sealed class NatsCluster : IAsyncDisposable
{
    private NatsCluster(NatsServer[] nodes) => Nodes = nodes;

    public NatsServer[] Nodes { get; }

    public static async Task<NatsCluster> StartAsync(int size = 3)
    {
        var clusterPorts = Enumerable.Range(0, size).Select(_ => NatsServer.GetFreePort()).ToArray();
        var nodes = new List<NatsServer>();
        try
        {
            for (var i = 0; i < size; i++)
            {
                var routes = string.Join(',', clusterPorts.Where((_, j) => j != i).Select(p => $"nats://127.0.0.1:{p}"));
                nodes.Add(await NatsServer.StartAsync(null, null, true,
                    "-n", $"n{i + 1}",
                    "--cluster", $"nats://127.0.0.1:{clusterPorts[i].ToString(CultureInfo.InvariantCulture)}",
                    "--cluster_name", "tc",
                    "--routes", routes));
            }

            var cluster = new NatsCluster(nodes.ToArray());
            await cluster.WaitForRoutesAsync(size - 1);
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
