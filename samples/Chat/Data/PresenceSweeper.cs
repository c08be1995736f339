using Microsoft.EntityFrameworkCore;

namespace Chat.Data;

/// <summary>
/// Clears presence ("Here now") that no live connection holds any more: a node that crashed or was killed never ran its
/// connections' disconnect hooks. Each node records itself in <see cref="ChatDb.Nodes"/> every 15 seconds; presence of
/// nodes not seen for a minute is removed (through the change tracker, so rooms' subscribers see the new user lists).
/// At start-up, a node alone on its group layer (in-memory) removes every other node's presence at once.
/// </summary>
/// <remarks>
/// Nodes sweep the same rows when they start together (or beat at the same moment): the one whose delete finds a row
/// gone (<see cref="DbUpdateConcurrencyException"/>) sweeps again on what is left, which is then nothing of those rows.
/// </remarks>
public sealed class PresenceSweeper(IServiceScopeFactory scopes, ILogger<PresenceSweeper> logger) : BackgroundService
{
    private static readonly TimeSpan s_beat = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan s_stale = TimeSpan.FromMinutes(1);

    /// <summary>This process's node id, stored with each presence it adds.</summary>
    public string NodeId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>How often a sweep starts again after another node swept the same rows first.</summary>
    private const int Attempts = 5;

    /// <summary>Records this node and sweeps presence of stopped nodes: of every other node when <paramref name="alone"/>.</summary>
    /// <returns>The number of presence rows removed.</returns>
    /// <exception cref="DbUpdateConcurrencyException">Other nodes removed rows this one was removing <see cref="Attempts"/> times in a row.</exception>
    public async Task<int> SweepAsync(bool alone, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SweepOnceAsync(alone, cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < Attempts)
            {
                logger.LogInformation("Another chat node swept the same presence at the same moment; sweeping again.");
            }
        }
    }

    private async Task<int> SweepOnceAsync(bool alone, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChatDb>();
        var now = DateTimeOffset.UtcNow;
        var self = await db.Nodes.FindAsync([NodeId], cancellationToken);
        if (self is null)
        {
            db.Nodes.Add(new ChatNode { Id = NodeId, SeenAt = now });
        }
        else
        {
            self.SeenAt = now;
        }

        var cutoff = now - s_stale;
        List<string> live = alone ? [NodeId] : await db.Nodes.Where(n => n.SeenAt > cutoff).Select(n => n.Id).ToListAsync(cancellationToken);
        if (!live.Contains(NodeId))
        {
            live.Add(NodeId);
        }

        var rooms = await db.Rooms.Include(r => r.Users).Where(r => r.Users.Any(u => !live.Contains(u.Node))).ToListAsync(cancellationToken);
        var removed = 0;
        foreach (var room in rooms)
        {
            removed += room.Users.RemoveAll(u => !live.Contains(u.Node));
            room.UpdatedAt = now;
        }

        db.Nodes.RemoveRange(await db.Nodes.Where(n => n.SeenAt <= cutoff && n.Id != NodeId).ToListAsync(cancellationToken));
        await db.SaveChangesAsync(cancellationToken);
        if (removed > 0)
        {
            logger.LogInformation("Removed {Count} presence entries left by chat nodes that stopped.", removed);
        }

        return removed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(s_beat);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(alone: false, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Another node swept the same rows, or the database is busy: the next beat tries again.
                logger.LogWarning(ex, "Sweeping presence failed; retrying in {Interval}.", s_beat);
            }
        }
    }
}
