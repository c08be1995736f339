using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Consumers.Security;

namespace Consumers.Tests.Consumers;

/// <summary>What the filters of the filter tests saw, in order.</summary>
public sealed class FilterLog
{
    public ConcurrentQueue<string> Entries { get; } = new();
}

/// <summary>Global (o.AddFilter&lt;T&gt;(), not registered: created with its constructor services).</summary>
public sealed class GlobalOrderFilter(FilterLog log) : IConsumerFilter
{
    public async ValueTask<ActionResult> InvokeAsync(ActionFilterContext context, ActionFilterDelegate next)
    {
        log.Entries.Enqueue($"global>{context.Action}");
        var result = await next(context);
        log.Entries.Enqueue($"global<{result.Status}");
        return result;
    }
}

/// <summary>Consumer level, with a constructor service: resolved from the connection's scope. Refuses ?refuse= connections.</summary>
public sealed class ConsumerOrderFilter(FilterLog log) : IConsumerFilter
{
    public async ValueTask<bool> OnConnectAsync(ConsumerLifetimeContext context, Func<ConsumerLifetimeContext, ValueTask<bool>> next)
    {
        if (context.Consumer.Context.HttpContext.Request.Query.ContainsKey("refuse"))
        {
            log.Entries.Enqueue("consumer refused the connection");
            return false;
        }

        var accepted = await next(context);
        if (Watched(context))
        {
            log.Entries.Enqueue($"consumer connected:{accepted}");
        }

        return accepted;
    }

    public async ValueTask OnDisconnectAsync(ConsumerLifetimeContext context, Func<ConsumerLifetimeContext, ValueTask> next)
    {
        await next(context);
        if (Watched(context))
        {
            log.Entries.Enqueue($"consumer disconnected:{context.CloseStatus}");
        }
    }

    // Only the lifetime test's connections are logged (the others' disconnects would land in later tests' logs).
    public static bool Watched(ConsumerLifetimeContext context) => context.Consumer.Context.HttpContext.Request.Query.ContainsKey("lifetime");

    public async ValueTask<ActionResult> InvokeAsync(ActionFilterContext context, ActionFilterDelegate next)
    {
        log.Entries.Enqueue($"consumer>{context.Action}");
        var result = await next(context);
        log.Entries.Enqueue($"consumer<{result.Status}");
        return result;
    }
}

/// <summary>Action level, parameterless: one shared instance; it sees the arguments by wire name.</summary>
public sealed class ActionOrderFilter : IConsumerFilter
{
    public async ValueTask<ActionResult> InvokeAsync(ActionFilterContext context, ActionFilterDelegate next)
    {
        var log = context.Services.GetRequiredService<FilterLog>();
        var arguments = string.Join(",", Enumerable.Range(0, context.Arguments.Count).Select(i => $"{context.Arguments.GetName(i)}={context.Arguments.Get<object>(i)}"));
        log.Entries.Enqueue($"action>{context.Action}({arguments}) id={context.RequestId}");
        var result = await next(context);
        log.Entries.Enqueue($"action<{result.Status}");
        return result;
    }
}

/// <summary>Refuses amounts over 100 with 429 without running the action (reads an int argument without boxing).</summary>
public sealed class SpendingLimitFilter : IConsumerFilter
{
    public ValueTask<ActionResult> InvokeAsync(ActionFilterContext context, ActionFilterDelegate next)
        => context.Arguments.Get<int>(context.Arguments.IndexOf("amount")) > 100
            ? ValueTask.FromResult(ActionResult.Error(429, "At most 100 at a time."))
            : next(context);
}

public sealed class RowChangedException(string message) : Exception(message);

/// <summary>Maps a domain exception to 409 (as an app maps DbUpdateConcurrencyException).</summary>
public sealed class ConflictFilter : IConsumerFilter
{
    public async ValueTask<ActionResult> InvokeAsync(ActionFilterContext context, ActionFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (RowChangedException ex)
        {
            return ActionResult.Error(409, ex.Message);
        }
    }
}

/// <summary>Allows a post only to a room named in the user's "room" claims: a permission that reads an argument.</summary>
public sealed class MemberOfRoomArgument : BasePermission
{
    public override ValueTask<bool> HasPermissionAsync(PermissionContext context)
        => ValueTask.FromResult(context.Arguments.IndexOf("room") is var i and >= 0 && context.User.HasClaim("room", context.Arguments.Get<string>(i)));
}

[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string))]
public sealed partial class FilteredJsonContext : JsonSerializerContext;

[ConsumerFilter(typeof(ConsumerOrderFilter))]
[JsonContext(typeof(FilteredJsonContext))]
public sealed partial class FilteredConsumer : Consumer
{
    protected override ValueTask<bool> OnConnectAsync(CancellationToken cancellationToken)
    {
        if (Context.HttpContext.Request.Query.ContainsKey("lifetime"))
        {
            Context.Services.GetRequiredService<FilterLog>().Entries.Enqueue("OnConnectAsync");
        }

        return ValueTask.FromResult(true);
    }

    [Action, ConsumerFilter(typeof(ActionOrderFilter))]
    public int Add(int a, int b) => a + b;

    [Action, ConsumerFilter(typeof(SpendingLimitFilter))]
    public ActionResult<string> Spend(int amount, string? note = null) => ActionResult<string>.Created($"spent {amount}{(note is null ? "" : " on " + note)}");

    [Action, ConsumerFilter(typeof(ConflictFilter))]
    public async Task Save(bool conflict)
    {
        await Task.Yield();
        if (conflict)
        {
            throw new RowChangedException("The row was changed by someone else.");
        }
    }

    [Action]
    public void Fail() => throw new InvalidOperationException("not mapped by any filter");

    [Action, Permission(typeof(MemberOfRoomArgument))]
    public string Post(string room, string text) => $"{room}: {text}";

    [Action(Concurrent = true), ConsumerFilter(typeof(ActionOrderFilter))]
    public async Task<int> Slow(int value, CancellationToken cancellationToken)
    {
        await Task.Delay(10, cancellationToken);
        return value * 2;
    }

    [Action, ConsumerFilter(typeof(ActionOrderFilter), typeof(ConflictFilter))]
    public async IAsyncEnumerable<int> Count(int to, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 1; i <= to; i++)
        {
            await Task.Yield();
            yield return i;
        }

        throw new RowChangedException("The source of the stream changed.");
    }
}

/// <summary>A consumer without filters of its own: only the global filter runs, the binder takes the call path at run time.</summary>
[JsonContext(typeof(FilteredJsonContext))]
public sealed partial class UnfilteredConsumer : Consumer
{
    [Action]
    public int Add(int a, int b) => a + b;
}

/// <summary>Refuses plain messages that say "forbidden" with 403 and records the others' text.</summary>
public sealed class PlainMessageFilter : IConsumerFilter
{
    public ValueTask<ActionResult> InvokeAsync(ActionFilterContext context, ActionFilterDelegate next)
    {
        var message = context.Arguments.Get<PlainChatMessage>(0);
        context.Services.GetRequiredService<FilterLog>().Entries.Enqueue($"{context.Action}:{context.Arguments.GetName(0)}={message.Message}");
        return message.Message == "forbidden" ? ValueTask.FromResult(ActionResult.Error(403, "Not in this room.")) : next(context);
    }
}

/// <summary>A plain JSON consumer with a filter around its [Receive] handler.</summary>
[JsonContext(typeof(PlainJsonContext))]
[ConsumerFilter(typeof(PlainMessageFilter))]
public sealed partial class FilteredPlainConsumer : Consumer
{
    [Receive]
    public void OnMessage(PlainChatMessage message) => Send(new PlainChatMessage("got " + message.Message), PlainJsonContext.Default.PlainChatMessage);
}
