using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Consumers.Security;

/// <summary>
/// The resume tokens of the <c>consumers.resume</c> subprotocol: a session id, a generation (a new token for every socket
/// of the session; only the newest is good) and the user the session belongs to, protected with ASP.NET Core Data
/// Protection (purpose <see cref="Purpose"/>: authenticated encryption with the app's key ring, so nodes that share their
/// keys read each other's tokens). Nothing here is cryptography of its own.
/// </summary>
internal sealed class ResumeTokens(IDataProtectionProvider provider)
{
    /// <summary>The Data Protection purpose string of resume tokens.</summary>
    public const string Purpose = "Consumers.Resume.v1";

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    /// <summary>A token for the given session, generation and user (null: anonymous), as a URL-safe string.</summary>
    public string Issue(string sessionId, int generation, string? userId)
    {
        var id = Encoding.UTF8.GetBytes(sessionId);
        var user = Encoding.UTF8.GetBytes(userId ?? "");
        var plain = new byte[4 + 4 + id.Length + 1 + user.Length];
        BinaryPrimitives.WriteInt32BigEndian(plain, generation);
        BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(4), id.Length);
        id.CopyTo(plain, 8);
        plain[8 + id.Length] = userId is null ? (byte)0 : (byte)1;
        user.CopyTo(plain, 9 + id.Length);
        return Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(_protector.Protect(plain));
    }

    /// <summary>Reads a token issued by <see cref="Issue"/>; false for anything else (forged, truncated, another key ring).</summary>
    public bool TryRead(string? token, out string sessionId, out int generation, out string? userId)
    {
        sessionId = "";
        generation = 0;
        userId = null;
        if (string.IsNullOrEmpty(token) || token.Length > 4096)
        {
            return false;
        }

        byte[] plain;
        try
        {
            plain = _protector.Unprotect(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(token));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return false;
        }

        if (plain.Length < 9)
        {
            return false;
        }

        generation = BinaryPrimitives.ReadInt32BigEndian(plain);
        var idLength = BinaryPrimitives.ReadInt32BigEndian(plain.AsSpan(4));
        if (idLength < 0 || 9 + idLength > plain.Length)
        {
            return false;
        }

        sessionId = Encoding.UTF8.GetString(plain, 8, idLength);
        userId = plain[8 + idLength] == 0 ? null : Encoding.UTF8.GetString(plain, 9 + idLength, plain.Length - 9 - idLength);
        return true;
    }
}
