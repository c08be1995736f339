using System.Buffers;
using System.Text;
using Consumers.Groups.Nats.Client;

namespace Consumers.Nats.Tests;

/// <summary>A parsed op copied out of the parser's buffers, comparable by value.</summary>
internal sealed record ParsedOp(NatsServerOpKind Kind, string Subject = "", long Sid = 0, string? ReplyTo = null, string Headers = "", string Payload = "", string Text = "")
{
    public static ParsedOp From(in NatsServerOp op) => new(
        op.Kind,
        Encoding.UTF8.GetString(op.Subject.Span),
        op.Sid,
        op.ReplyTo.IsEmpty ? null : Encoding.UTF8.GetString(op.ReplyTo.Span),
        Encoding.UTF8.GetString(op.Headers.ToArray()),
        Encoding.UTF8.GetString(op.Payload.ToArray()),
        Encoding.UTF8.GetString(op.Text.Span));
}
