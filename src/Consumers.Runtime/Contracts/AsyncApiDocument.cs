using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Consumers.Contracts;

/// <summary>
/// Builds the AsyncAPI 3.0 document of a set of consumer endpoints: a channel per endpoint (per stream of a
/// multiplexed endpoint), a <c>receive</c> operation with a reply per action (a streaming action's reply is its item
/// message repeated, then its end message; concurrent and streaming operations carry <c>x-consumers-concurrent</c> and
/// <c>x-consumers-stream</c>), a <c>$cancel</c> operation on a channel whose consumer has such actions, a <c>send</c>
/// operation per observer notification, and payload schemas from the source-generated metadata through <see cref="JsonSchemaExporter"/>
/// (no reflection); the operations of an endpoint that requires authorization list the security schemes. Frames follow docs/protocol.md: DCRF's request keys and five-key reply envelope, wrapped as
/// <c>{"stream", "payload"}</c> on a multiplexed endpoint.
/// </summary>
internal sealed partial class AsyncApiDocument
{
    private static readonly JsonSchemaExporterOptions s_exporterOptions = new() { TreatNullObliviousAsNonNullable = true };

    private readonly JsonObject _schemas = [];
    private readonly JsonObject _channels = [];
    private readonly JsonObject _operations = [];
    private readonly Dictionary<Type, string> _schemaNames = [];
    private readonly IReadOnlyDictionary<string, AsyncApiSecurityScheme> _securitySchemes;
    private bool _anySecured;

    private AsyncApiDocument(AsyncApiOptions options)
    {
        // Added first, so that a DTO named Errors gets another name.
        _schemas["Errors"] = ErrorsSchema();
        _securitySchemes = options.SecuritySchemes.Count > 0
            ? new Dictionary<string, AsyncApiSecurityScheme>(options.SecuritySchemes, StringComparer.Ordinal)
            : new Dictionary<string, AsyncApiSecurityScheme>(StringComparer.Ordinal) { ["access_token"] = AsyncApiSecurityScheme.QueryToken() };
    }

    /// <summary>
    /// The document of <paramref name="endpoints"/>: route patterns with their consumer metadata and whether the
    /// endpoint requires authorization.
    /// </summary>
    public static JsonObject Build(IEnumerable<(RoutePattern Pattern, ConsumerEndpointContract Endpoint, bool Secured)> endpoints, string title, AsyncApiOptions options)
    {
        var document = new AsyncApiDocument(options);
        foreach (var (pattern, endpoint, secured) in endpoints)
        {
            foreach (var stream in endpoint.Streams)
            {
                var before = document._operations.Count;
                document.AddChannel(pattern, endpoint.Multiplexed ? stream.Stream : null, stream.Contract);
                if (secured)
                {
                    document.Secure(before);
                }
            }
        }

        var info = new JsonObject { ["title"] = title, ["version"] = options.Version };
        if (options.Description is not null)
        {
            info["description"] = options.Description;
        }

        return new JsonObject
        {
            ["asyncapi"] = "3.0.0",
            ["info"] = info,
            ["defaultContentType"] = "application/json",
            ["channels"] = document._channels,
            ["operations"] = document._operations,
            ["components"] = document.Components(),
        };
    }

    private JsonObject Components()
    {
        var components = new JsonObject { ["schemas"] = _schemas };
        if (_anySecured)
        {
            var schemes = new JsonObject();
            foreach (var (key, scheme) in _securitySchemes)
            {
                schemes[key] = scheme.ToJson();
            }

            components["securitySchemes"] = schemes;
        }

        return components;
    }

    // Every operation added since the first `from` ones gets the security requirement: any one of the schemes.
    private void Secure(int from)
    {
        _anySecured = true;
        foreach (var (_, operation) in _operations.Skip(from).ToList())
        {
            var security = new JsonArray();
            foreach (var key in _securitySchemes.Keys)
            {
                security.Add((JsonNode)Ref($"#/components/securitySchemes/{key}"));
            }

            operation!["security"] = security;
        }
    }

    private void AddChannel(RoutePattern pattern, string? stream, ConsumerContract contract)
    {
        var id = Unique(_channels, Key(pattern.RawText ?? "") + (stream is null ? "" : "__" + Key(stream)));
        var messages = new JsonObject();
        var channel = new JsonObject
        {
            ["address"] = Address(pattern),
            ["title"] = stream is null ? contract.Name : $"{contract.Name} (stream \"{stream}\")",
            ["messages"] = messages,
        };
        if (contract.Description is not null)
        {
            channel["description"] = contract.Description;
        }

        if (pattern.Parameters.Count > 0)
        {
            var parameters = new JsonObject();
            foreach (var parameter in pattern.Parameters)
            {
                parameters[parameter.Name] = new JsonObject { ["description"] = $"The route value {{{parameter.Name}}} of the endpoint." };
            }

            channel["parameters"] = parameters;
        }

        _channels[id] = channel;
        var channelRef = Ref($"#/channels/{id}");
        foreach (var action in contract.Actions)
        {
            AddAction(id, stream, action, messages);
        }

        if (contract.Actions.Any(a => a.Concurrent || a.Stream))
        {
            AddCancel(id, stream, messages);
        }

        if (contract.Receive is { } receive)
        {
            AddPlainOperations(id, stream, receive, messages);
        }

        foreach (var notification in contract.Notifications)
        {
            var key = Key(notification.Name);
            var description = (notification.Description is null ? "" : notification.Description + " ") +
                "Pushed to every client subscribed to the observer's groups, once per subscribing request_id.";
            messages[key + ".notification"] = Message($"{notification.Name} notification", description, Wrap(stream, NotificationPayload(notification)), stream);
            _operations[Unique(_operations, $"{id}.{key}")] = new JsonObject
            {
                ["action"] = "send",
                ["channel"] = channelRef.DeepClone(),
                ["title"] = notification.Name,
                ["description"] = description,
                ["messages"] = new JsonArray(Ref($"#/channels/{id}/messages/{key}.notification")),
            };
        }

        AddEvents(id, stream, contract, messages);
    }

    // A receive operation per action: its request, and its reply (a stream's: the item message repeated, then the end).
    private void AddAction(string id, string? stream, ActionContract action, JsonObject messages)
    {
        var channelRef = Ref($"#/channels/{id}");
        var key = Key(action.Name);
        messages[key + ".request"] = Message($"{action.Name} request", action.Description, Wrap(stream, RequestPayload(action)), stream);
        var replies = new JsonArray();
        if (action.Stream)
        {
            messages[key + ".item"] = Message($"{action.Name} item", AsyncApiTexts.StreamItemDescription, Wrap(stream, ItemPayload(action)), stream);
            messages[key + ".end"] = Message($"{action.Name} end", AsyncApiTexts.StreamEndDescription, Wrap(stream, EndPayload(action)), stream);
            replies.Add((JsonNode)Ref($"#/channels/{id}/messages/{key}.item"));
            replies.Add((JsonNode)Ref($"#/channels/{id}/messages/{key}.end"));
        }
        else
        {
            messages[key + ".reply"] = Message($"{action.Name} reply", null, Wrap(stream, ReplyPayload(action)), stream);
            replies.Add((JsonNode)Ref($"#/channels/{id}/messages/{key}.reply"));
        }

        var operation = new JsonObject
        {
            ["action"] = "receive",
            ["channel"] = channelRef.DeepClone(),
            ["title"] = action.Name,
            ["messages"] = new JsonArray(Ref($"#/channels/{id}/messages/{key}.request")),
            ["reply"] = new JsonObject { ["channel"] = channelRef.DeepClone(), ["messages"] = replies },
        };
        var description = string.Join(
            " ",
            new[] { action.Description, action.Stream ? AsyncApiTexts.StreamOperationDescription : null, action.Concurrent ? AsyncApiTexts.ConcurrentOperationDescription : null }.OfType<string>());
        if (description.Length > 0)
        {
            operation["description"] = description;
        }

        if (action.Concurrent)
        {
            operation[AsyncApiTexts.ConcurrentExtension] = true;
        }

        if (action.Stream)
        {
            operation[AsyncApiTexts.StreamExtension] = true;
        }

        _operations[Unique(_operations, $"{id}.{key}")] = operation;
    }

    // The reserved control action, on a channel whose consumer has something to cancel.
    private void AddCancel(string id, string? stream, JsonObject messages)
    {
        var channelRef = Ref($"#/channels/{id}");
        var request = Unique(messages, "_cancel.request");
        var reply = Unique(messages, "_cancel.reply");
        messages[request] = Message("$cancel request", AsyncApiTexts.CancelRequestDescription, Wrap(stream, CancelPayload()), stream);
        messages[reply] = Message("$cancel reply", AsyncApiTexts.CancelReplyDescription, Wrap(stream, Envelope(new JsonObject { ["const"] = AsyncApiTexts.CancelAction }, new JsonObject { ["type"] = "null" })), stream);
        _operations[Unique(_operations, $"{id}._cancel")] = new JsonObject
        {
            ["action"] = "receive",
            ["channel"] = channelRef.DeepClone(),
            ["title"] = AsyncApiTexts.CancelAction,
            ["description"] = AsyncApiTexts.CancelRequestDescription,
            ["messages"] = new JsonArray(Ref($"#/channels/{id}/messages/{request}")),
            ["reply"] = new JsonObject
            {
                ["channel"] = channelRef.DeepClone(),
                ["messages"] = new JsonArray(Ref($"#/channels/{id}/messages/{reply}")),
            },
        };
    }

    // A plain JSON consumer (Channels' receive_json): the handler's message in, {"error"} out; no request_id, no
    // envelope. What else the consumer sends is its own business and not described.
    private void AddPlainOperations(string id, string? stream, JsonTypeInfo receive, JsonObject messages)
    {
        var channelRef = Ref($"#/channels/{id}");
        var payload = Schema(receive) as JsonObject ?? new JsonObject { ["type"] = "object" };
        messages["message"] = PlainMessage("message", "One JSON object per frame, handed to the consumer's [Receive] handler in order.", Wrap(stream, payload));
        messages["error"] = PlainMessage(
            "error",
            "The answer to a frame that is not a JSON object of the message's shape, is throttled or denied, or whose handler threw; the socket stays open.",
            Wrap(stream, new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { ["error"] = new JsonObject { ["type"] = "string" } },
                ["required"] = new JsonArray("error"),
            }));
        _operations[Unique(_operations, $"{id}.receive")] = new JsonObject
        {
            ["action"] = "receive",
            ["channel"] = channelRef.DeepClone(),
            ["title"] = "receive",
            ["messages"] = new JsonArray(Ref($"#/channels/{id}/messages/message")),
        };
        _operations[Unique(_operations, $"{id}.error")] = new JsonObject
        {
            ["action"] = "send",
            ["channel"] = channelRef.DeepClone(),
            ["title"] = "error",
            ["messages"] = new JsonArray(Ref($"#/channels/{id}/messages/error")),
        };
    }

    private static JsonObject PlainMessage(string title, string description, JsonObject payload) => new()
    {
        ["title"] = title,
        ["description"] = description,
        ["contentType"] = "application/json",
        ["payload"] = payload,
    };

    private static JsonObject Message(string title, string? description, JsonObject payload, string? stream)
    {
        var message = new JsonObject
        {
            ["title"] = title,
            ["contentType"] = "application/json",
            ["payload"] = payload,
            ["correlationId"] = new JsonObject
            {
                ["description"] = "The request_id of the request (or of the subscribing request), echoed unchanged.",
                ["location"] = stream is null ? "$message.payload#/request_id" : "$message.payload#/payload/request_id",
            },
        };
        if (description is not null)
        {
            message["description"] = description;
        }

        return message;
    }

    private JsonObject RequestPayload(ActionContract action)
    {
        var properties = new JsonObject
        {
            ["action"] = new JsonObject { ["const"] = action.Name },
            ["request_id"] = new JsonObject { ["description"] = "Any JSON value; echoed in the reply with the same JSON type." },
        };
        var required = new JsonArray("action");
        foreach (var parameter in action.Parameters)
        {
            var schema = Schema(parameter.Type);
            properties[parameter.Key] = parameter.Nullable ? OrNull(schema) : schema;
            if (parameter.Required)
            {
                required.Add((JsonNode)parameter.Key);
            }
        }

        return new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required };
    }

    private JsonObject ReplyPayload(ActionContract action)
        => Envelope(new JsonObject { ["const"] = action.Name }, action.Result is null ? new JsonObject { ["type"] = "null" } : OrNull(Schema(action.Result)));

    private JsonObject ItemPayload(ActionContract action)
    {
        var data = action.Result is null ? new JsonObject { ["type"] = "null" } : action.ResultNullable ? OrNull(Schema(action.Result)) : Schema(action.Result);
        return Envelope(new JsonObject { ["const"] = action.Name }, data, new JsonObject { ["const"] = 200, ["description"] = "200 for every item." });
    }

    private static JsonObject EndPayload(ActionContract action)
        => Envelope(new JsonObject { ["const"] = action.Name }, new JsonObject { ["type"] = "null" }, new JsonObject { ["type"] = "integer", ["description"] = AsyncApiTexts.StreamEndStatusDescription });

    private static JsonObject CancelPayload() => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["action"] = new JsonObject { ["const"] = AsyncApiTexts.CancelAction },
            ["request_id"] = new JsonObject { ["description"] = "The request_id of the concurrent action or stream to cancel, with its JSON type." },
        },
        ["required"] = new JsonArray("action", "request_id"),
    };

    private JsonObject NotificationPayload(NotificationContract notification)
        => Envelope(new JsonObject { ["enum"] = new JsonArray("create", "update", "delete") }, Schema(notification.Data));

    private static JsonObject Envelope(JsonObject action, JsonNode data, JsonObject? status = null) => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["errors"] = Ref("#/components/schemas/Errors"),
            ["data"] = data,
            ["action"] = action,
            ["response_status"] = status ?? new JsonObject { ["type"] = "integer", ["description"] = AsyncApiTexts.StatusDescription },
            ["request_id"] = new JsonObject { ["description"] = "The request's request_id, same JSON type; null when the request had none." },
        },
        ["required"] = new JsonArray("errors", "data", "action", "response_status", "request_id"),
    };

    private static JsonObject Wrap(string? stream, JsonObject payload)
        => stream is null
            ? payload
            : new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { ["stream"] = new JsonObject { ["const"] = stream }, ["payload"] = payload },
                ["required"] = new JsonArray("stream", "payload"),
            };

    // Errors are [] on success, ["message"] for most failures, [{"field": ["message", ...]}] for validation (docs/protocol.md, "Responses: the envelope").
    private static JsonObject ErrorsSchema() => new()
    {
        ["type"] = "array",
        ["description"] = "Empty on success; messages, or one object of field -> messages for a validation failure.",
        ["items"] = new JsonObject
        {
            ["anyOf"] = new JsonArray(
                new JsonObject { ["type"] = "string" },
                new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } } }),
        },
    };

    private static string Address(RoutePattern pattern)
    {
        var address = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            address.Append('/');
            foreach (var part in segment.Parts)
            {
                address.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
                    _ => "",
                });
            }
        }

        return address.Length == 0 ? "/" : address.ToString();
    }

    // Component and map keys of AsyncAPI match ^[A-Za-z0-9.\-_]+$, and they appear unescaped in JSON pointers.
    private static string Key(string text)
    {
        var key = new StringBuilder(text.Length);
        foreach (var c in text.Trim('/'))
        {
            key.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        }

        return key.Length == 0 ? "root" : key.ToString();
    }

    private static string Unique(JsonObject map, string key)
    {
        var candidate = key;
        for (var i = 2; map.ContainsKey(candidate); i++)
        {
            candidate = key + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return candidate;
    }
}
