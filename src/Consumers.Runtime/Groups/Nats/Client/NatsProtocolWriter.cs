using System.Buffers;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace Consumers.Groups.Nats.Client;

/// <summary>Formats client→server commands into a buffer. Pure formatting: validation happens in the callers.</summary>
internal static class NatsProtocolWriter
{
    /// <summary>Longest number we write: a 64-bit sid or a size.</summary>
    private const int MaxNumberLength = 20;

    private static readonly string ClientVersion =
        typeof(NatsProtocolWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0.0.0";

    public static void WriteConnect(IBufferWriter<byte> writer, NatsClientOptions options)
    {
        writer.Write("CONNECT "u8);
        using (var json = new Utf8JsonWriter(writer))
        {
            json.WriteStartObject();
            json.WriteBoolean("verbose", false);
            json.WriteBoolean("pedantic", false);
            json.WriteBoolean("tls_required", false);
            // headers + no_responders: HPUB/HMSG work and a request to nobody answers with an HMSG status 503.
            json.WriteBoolean("headers", true);
            json.WriteBoolean("no_responders", true);
            json.WriteBoolean("echo", options.Echo);
            if (options.Name is not null)
            {
                json.WriteString("name", options.Name);
            }

            json.WriteString("lang", "csharp");
            json.WriteString("version", ClientVersion);
            // protocol 1: the server sends async INFO with connect_urls and ldm.
            json.WriteNumber("protocol", 1);
            if (!string.IsNullOrEmpty(options.Username))
            {
                json.WriteString("user", options.Username);
                json.WriteString("pass", options.Password);
            }

            if (!string.IsNullOrEmpty(options.Token))
            {
                json.WriteString("auth_token", options.Token);
            }

            json.WriteEndObject();
        }

        writer.Write("\r\n"u8);
    }

    public static void WritePing(IBufferWriter<byte> writer) => writer.Write("PING\r\n"u8);

    public static void WritePong(IBufferWriter<byte> writer) => writer.Write("PONG\r\n"u8);

    /// <summary>Exact bytes of the PUB/HPUB command, control line included: what a publish takes of the reconnect buffer.</summary>
    public static long GetPublishSize(string subject, string? replyTo, bool hasHeaders, int headerLength, int payloadLength)
    {
        var total = headerLength + payloadLength;
        long size = (hasHeaders ? 5 : 4) + Encoding.UTF8.GetByteCount(subject) + 1;
        if (replyTo is not null)
        {
            size += Encoding.UTF8.GetByteCount(replyTo) + 1;
        }

        if (hasHeaders)
        {
            size += CountDigits(headerLength) + 1;
        }

        return size + CountDigits(total) + 2 + total + 2;
    }

    private static int CountDigits(int value)
    {
        var digits = 1;
        for (; value >= 10; value /= 10)
        {
            digits++;
        }

        return digits;
    }

    /// <summary>Writes PUB, or HPUB when <paramref name="headers"/> is set; <paramref name="headerLength"/> is its encoded size.</summary>
    public static void WritePublish(IBufferWriter<byte> writer, string subject, string? replyTo, NatsHeaders? headers, int headerLength, ReadOnlySpan<byte> payload)
    {
        var lineMax = 5 + Encoding.UTF8.GetMaxByteCount(subject.Length) + 1
            + (replyTo is null ? 0 : Encoding.UTF8.GetMaxByteCount(replyTo.Length) + 1)
            + (2 * (MaxNumberLength + 1)) + 2;
        var total = headerLength + payload.Length;
        var span = writer.GetSpan(lineMax + total + 2);
        var n = 0;
        if (headers is null)
        {
            "PUB "u8.CopyTo(span);
            n = 4;
        }
        else
        {
            "HPUB "u8.CopyTo(span);
            n = 5;
        }

        n += Encoding.UTF8.GetBytes(subject, span[n..]);
        span[n++] = (byte)' ';
        if (replyTo is not null)
        {
            n += Encoding.UTF8.GetBytes(replyTo, span[n..]);
            span[n++] = (byte)' ';
        }

        if (headers is not null)
        {
            headerLength.TryFormat(span[n..], out var h);
            n += h;
            span[n++] = (byte)' ';
        }

        total.TryFormat(span[n..], out var t);
        n += t;
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        if (headers is not null)
        {
            n += headers.WriteTo(span[n..]);
        }

        payload.CopyTo(span[n..]);
        n += payload.Length;
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        writer.Advance(n);
    }

    /// <summary>Writes SUB and, for a bounded subscription, the UNSUB max in the same batch so no message slips past it.</summary>
    public static void WriteSubscribe(IBufferWriter<byte> writer, long sid, string subject, string? queueGroup, long? maxMsgs)
    {
        var span = writer.GetSpan(4 + Encoding.UTF8.GetMaxByteCount(subject.Length) + 1
            + (queueGroup is null ? 0 : Encoding.UTF8.GetMaxByteCount(queueGroup.Length) + 1) + MaxNumberLength + 2);
        "SUB "u8.CopyTo(span);
        var n = 4;
        n += Encoding.UTF8.GetBytes(subject, span[n..]);
        span[n++] = (byte)' ';
        if (queueGroup is not null)
        {
            n += Encoding.UTF8.GetBytes(queueGroup, span[n..]);
            span[n++] = (byte)' ';
        }

        sid.TryFormat(span[n..], out var s);
        n += s;
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        writer.Advance(n);
        if (maxMsgs is { } max)
        {
            WriteUnsubscribe(writer, sid, max);
        }
    }

    public static void WriteUnsubscribe(IBufferWriter<byte> writer, long sid, long? maxMsgs)
    {
        var span = writer.GetSpan(6 + (2 * MaxNumberLength) + 3);
        "UNSUB "u8.CopyTo(span);
        var n = 6;
        sid.TryFormat(span[n..], out var s);
        n += s;
        if (maxMsgs is { } max)
        {
            span[n++] = (byte)' ';
            max.TryFormat(span[n..], out var m);
            n += m;
        }

        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        writer.Advance(n);
    }
}
