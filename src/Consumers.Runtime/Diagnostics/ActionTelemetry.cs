using System.Diagnostics;
using System.Text;

namespace Consumers.Diagnostics;

/// <summary>
/// What one handled request records: its span (<see cref="ConsumerTracing.StartAction"/>) and its duration
/// (<see cref="ConsumerMetrics.ActionDuration"/>). A default value records nothing: that is what a request gets
/// while nobody listens, at the cost of two checks and no allocation.
/// </summary>
internal struct ActionTelemetry
{
    private Activity? _activity;
    private long _started;
    private string? _consumer;
    private string? _action;

    /// <summary>Whether this request records anything (someone listens to the source or to the duration).</summary>
    public readonly bool IsActive => _consumer is not null;

    /// <summary>Starts recording a request, when anyone listens; otherwise returns the default value.</summary>
    /// <param name="consumer">The consumer type's name.</param>
    /// <param name="action">The unescaped UTF-8 action name.</param>
    /// <param name="requestId">The <c>request_id</c> token, or empty.</param>
    /// <param name="connection">The connection's HTTP request span, or default.</param>
    public static ActionTelemetry Start(string consumer, ReadOnlySpan<byte> action, ReadOnlySpan<byte> requestId, ActivityContext connection)
    {
        var traced = ConsumerTracing.IsEnabled;
        var timed = ConsumerMetrics.ActionDuration.Enabled;
        if (!traced && !timed)
        {
            return default;
        }

        var name = Encoding.UTF8.GetString(action);
        return new ActionTelemetry
        {
            _activity = traced ? ConsumerTracing.StartAction(consumer, name, requestId, connection) : null,
            _started = timed ? Stopwatch.GetTimestamp() : 0,
            _consumer = consumer,
            _action = name,
        };
    }

    /// <summary>Ends the recording (once; later calls do nothing).</summary>
    /// <param name="status">The <c>response_status</c> of the request's last reply, 0 when none was sent.</param>
    /// <param name="routed">False when the request was refused before its action was looked up (the name may be anything the client sent).</param>
    public void End(int status, bool routed = true)
    {
        if (_consumer is not { } consumer)
        {
            return;
        }

        // Names the consumer does not have stay out of span names and metric tags: a client could send any number of them.
        var method = routed && status != 405 ? _action! : ConsumerTracing.OtherMethod;
        ConsumerTracing.StopAction(_activity, status, method);
        if (_started != 0)
        {
            var tags = new TagList
            {
                { "rpc.system", ConsumerTracing.RpcSystem },
                { "rpc.service", consumer },
                { "rpc.method", method },
                { "consumers.response_status", status },
            };
            ConsumerMetrics.ActionDuration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, tags);
        }

        this = default;
    }
}
