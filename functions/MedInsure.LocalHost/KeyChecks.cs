using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace MedInsure.LocalHost;

/// <summary>
/// The function keys of the configuration section <c>FunctionKeys</c> (name → key). Any non-empty key opens
/// function-level routes; only the key named <c>admin</c> opens admin-level ones.
/// </summary>
internal sealed class KeyChecks
{
    public const string SectionName = "FunctionKeys";
    public const string AdminKeyName = "admin";
    public const string KeyHeader = "x-functions-key";
    public const string KeyQueryParameter = "code";

    private readonly byte[][] _functionKeys;
    private readonly byte[]? _adminKey;

    public KeyChecks(IEnumerable<KeyValuePair<string, string?>> keys)
    {
        var usable = keys.Where(k => !string.IsNullOrEmpty(k.Value)).ToList();
        _functionKeys = usable.Select(k => Hash(k.Value!)).ToArray();
        _adminKey = usable
            .Where(k => string.Equals(k.Key, AdminKeyName, StringComparison.OrdinalIgnoreCase))
            .Select(k => Hash(k.Value!))
            .FirstOrDefault();
    }

    public static KeyChecks FromConfiguration(IConfiguration configuration) =>
        new(configuration.GetSection(SectionName).GetChildren().Select(c => new KeyValuePair<string, string?>(c.Key, c.Value)));

    public int Count => _functionKeys.Length;

    /// <summary>The key a request presents: the header first, then the query parameter.</summary>
    public static string? PresentedKey(HttpRequest request)
    {
        var header = request.Headers[KeyHeader].ToString();
        if (header.Length > 0)
        {
            return header;
        }

        var code = request.Query[KeyQueryParameter].ToString();
        return code.Length > 0 ? code : null;
    }

    public bool IsAuthorized(AuthLevel level, string? presentedKey)
    {
        if (level == AuthLevel.Anonymous)
        {
            return true;
        }

        if (string.IsNullOrEmpty(presentedKey))
        {
            return false;
        }

        var presented = Hash(presentedKey);
        if (level == AuthLevel.Admin)
        {
            return _adminKey is not null && CryptographicOperations.FixedTimeEquals(presented, _adminKey);
        }

        // Compare against every key without stopping early, so timing says nothing about which key matched.
        var matched = false;
        foreach (var key in _functionKeys)
        {
            matched |= CryptographicOperations.FixedTimeEquals(presented, key);
        }

        return matched;
    }

    // Hashing first gives equal-length inputs, so the comparison does not leak the keys' lengths.
    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
