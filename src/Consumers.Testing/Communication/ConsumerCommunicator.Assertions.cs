using System.Globalization;

namespace Consumers.Testing.Communication;

/// <summary>Assertions on what did not arrive.</summary>
public sealed partial class ConsumerCommunicator
{
    /// <summary>
    /// Waits <paramref name="within"/> and fails if any frame is unread by then (including frames that arrived before
    /// the call and were not received). Returns early with the failure as soon as one arrives.
    /// </summary>
    /// <param name="within">How long to watch, e.g. 200 ms.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes after <paramref name="within"/> when nothing arrived.</returns>
    /// <exception cref="ConsumerAssertionException">A frame arrived; the message shows it.</exception>
    public async Task AssertNothingReceivedAsync(TimeSpan within, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(within);
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                if (_unread.Count > 0)
                {
                    throw new ConsumerAssertionException(
                        $"Expected no frame on {Path} within {Seconds(within)}, but {_unread.Count} arrived:{Environment.NewLine}{string.Join(Environment.NewLine, _unread.Select(e => "  " + e.RawJson))}");
                }

                if (_closed.Task.IsCompleted)
                {
                    return;
                }

                arrived = _arrived.Task;
            }

            try
            {
                await arrived.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lock (_gate)
                {
                    if (_unread.Count == 0)
                    {
                        return;
                    }
                }
            }
        }
    }
}
