using System.Text;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;

namespace Consumers.Dispatch;

// The path of a call that something must see before or around it: the action's [Authorize] and [Permission]s (which
// see its arguments) and the filters. A call with neither never comes here: its generated binder calls the method.
public sealed partial class ActionInvocation
{
    /// <summary>Whether the connection has global filters (<c>o.AddFilter&lt;T&gt;()</c>): the generated binder then takes <see cref="InvokeAsync"/>.</summary>
    public bool HasFilters => _filters.Length != 0;

    /// <summary>Whether DTO arguments are validated (<c>ConsumerOptions.ValidateDataAnnotations</c>).</summary>
    public bool ValidatesDataAnnotations => _pipeline.ValidateDataAnnotations;

    /// <summary>
    /// Runs a bound call: the action's requirements (its <c>[Authorize]</c> policy, then its permissions, which see
    /// <paramref name="call"/> as <see cref="Security.PermissionContext.Arguments"/>; denied: 401/403 with DRF's text),
    /// then the global filters, <paramref name="filters"/> and the method, then the reply of what the filters returned.
    /// An exception is left to the caller, which answers it as any action's (<see cref="ActionException"/> with its
    /// status, else 500).
    /// </summary>
    /// <param name="call">The generated call, holding the bound arguments.</param>
    /// <param name="requirements">The action's requirements, or null when it has none.</param>
    /// <param name="filters">The consumer's and the action's <see cref="ConsumerFilterAttribute"/> filters, or null.</param>
    /// <returns>A task that completes when the reply is queued.</returns>
    public ValueTask InvokeAsync(ActionCall call, Security.SecurityRequirements? requirements, FilterSource[]? filters)
    {
        ArgumentNullException.ThrowIfNull(call);
        return Run(call, requirements, filters, this);

        static async ValueTask Run(ActionCall call, Security.SecurityRequirements? requirements, FilterSource[]? filters, ActionInvocation self)
        {
            string? action = null;
            if (requirements is not null)
            {
                action = Encoding.UTF8.GetString(self._actionName.Span);
                var status = await Security.ConsumerAuthorization.AuthorizeActionAsync(call.Consumer, requirements, action, call, self.Aborted).ConfigureAwait(false);
                if (status != 0)
                {
                    await self.ReplyDenied(status).ConfigureAwait(false);
                    return;
                }
            }

            ActionResult result;
            if (self._filters.Length == 0 && (filters is null || filters.Length == 0))
            {
                result = await call.Invoke().ConfigureAwait(false);
            }
            else
            {
                action ??= Encoding.UTF8.GetString(self._actionName.Span);
                var context = new ActionFilterContext(call, action, self.RequestIdElement(), self.Aborted, self._filters, filters ?? []);
                result = await context.NextAsync().ConfigureAwait(false);
            }

            if (self._context.ConnectionAborted.IsCancellationRequested)
            {
                // The connection is gone; there is nobody to answer.
                return;
            }

            await call.Reply(self, result).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Streams <paramref name="items"/> inside the filters: one envelope per item, as
    /// <see cref="ReplyStreamAsync{T}(IAsyncEnumerable{T}, JsonTypeInfo{T})"/>, and returns the end envelope's result
    /// (204, also after <c>$cancel</c>) for the filters; what the producer throws is thrown, for them to answer.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="items">The action's stream.</param>
    /// <param name="typeInfo">The items' source-generated metadata.</param>
    /// <returns>The result of the stream's end.</returns>
    public ValueTask<ActionResult> StreamAsync<T>(IAsyncEnumerable<T> items, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(items);
        return PumpItemsAsync(items, typeInfo);
    }

    /// <summary>Streams what <paramref name="items"/> yields inside the filters, as <see cref="StreamAsync{T}(IAsyncEnumerable{T}, JsonTypeInfo{T})"/>.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="items">The action's channel.</param>
    /// <param name="typeInfo">The items' source-generated metadata.</param>
    /// <returns>The result of the stream's end.</returns>
    public ValueTask<ActionResult> StreamAsync<T>(ChannelReader<T> items, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(items);
        return PumpItemsAsync(items.ReadAllAsync(Aborted), typeInfo);
    }
}
