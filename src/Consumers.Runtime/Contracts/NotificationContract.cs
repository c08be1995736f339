using System.ComponentModel;
using System.Text.Json.Serialization.Metadata;

namespace Consumers.Contracts;

/// <summary>
/// A model observer of a <see cref="ConsumerContract"/> whose changes are pushed to subscribed clients as
/// <c>{"action": "create" | "update" | "delete", "data": ..., "request_id": &lt;the subscribing request's id&gt;}</c>
/// (DCRF's <c>@model_observer</c> frames).
/// </summary>
/// <param name="Name">The observer's wire-style name: snake_case of its method, e.g. <c>message_activity</c>.</param>
/// <param name="Description">The observer method's XML doc summary, or null.</param>
/// <param name="Data">The metadata of the notification's <c>data</c> (the observer's serializer result).</param>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public sealed record NotificationContract(string Name, string? Description, JsonTypeInfo Data);
