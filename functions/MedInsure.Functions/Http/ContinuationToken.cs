using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MedInsure.Functions.Http;

/// <summary>
/// Opaque paging tokens: base64url of the resume key plus a MAC, so a client can pass them back but a tampered or
/// foreign token is refused (400) instead of silently reading from an arbitrary key.
/// </summary>
public sealed class ContinuationTokens(byte[] key)
{
    public static ContinuationTokens FromSecret(string secret) => new(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public string Protect(string scope, string resumeKey)
    {
        var payload = Encoding.UTF8.GetBytes(resumeKey);
        var mac = Mac(scope, payload);
        var buffer = new byte[payload.Length + mac.Length];
        payload.CopyTo(buffer, 0);
        mac.CopyTo(buffer, payload.Length);
        return Base64Url.EncodeToString(buffer);
    }

    public bool TryUnprotect(string scope, string? token, out string resumeKey)
    {
        resumeKey = "";
        if (string.IsNullOrEmpty(token) || token.Length > 2048)
        {
            return false;
        }

        byte[] buffer;
        try
        {
            buffer = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            return false;
        }

        const int macLength = 16;
        if (buffer.Length <= macLength)
        {
            return false;
        }

        var payload = buffer.AsSpan(0, buffer.Length - macLength);
        if (!CryptographicOperations.FixedTimeEquals(Mac(scope, payload), buffer.AsSpan(buffer.Length - macLength)))
        {
            return false;
        }

        resumeKey = Encoding.UTF8.GetString(payload);
        return true;
    }

    private byte[] Mac(string scope, ReadOnlySpan<byte> payload)
    {
        var scoped = new byte[Encoding.UTF8.GetByteCount(scope) + 1 + payload.Length];
        var n = Encoding.UTF8.GetBytes(scope, scoped);
        scoped[n] = 0;
        payload.CopyTo(scoped.AsSpan(n + 1));
        return HMACSHA256.HashData(key, scoped)[..16];
    }
}
