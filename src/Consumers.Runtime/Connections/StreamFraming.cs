using System.Text;
using System.Text.Json;

namespace Consumers.Connections;

/// <summary>The <c>channelsmultiplexer</c> wrapper: <c>{"stream": "name", "payload": {...}}</c>.</summary>
internal static class StreamFraming
{
    /// <summary>The bytes before the payload object: <c>{"stream":"name","payload":</c>.</summary>
    public static byte[] EncodePrefix(string stream)
    {
        var encoded = JsonEncodedText.Encode(stream);
        return Encoding.UTF8.GetBytes("{\"stream\":\"" + encoded.ToString() + "\",\"payload\":");
    }
}
