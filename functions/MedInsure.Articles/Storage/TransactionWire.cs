using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace MedInsure.Articles.Storage;

/// <summary>
/// Sends entity-group transactions without Azure.Data.Tables' per-entity request model: the multipart body is written
/// once with a <see cref="Utf8JsonWriter"/> into one buffer and the response is scanned for statuses and ETags. The
/// client library allocates about 32 KB per entity in a transaction, most of a bulk upload's garbage and of its GC
/// pauses (docs/benchmarks.md); this writes the same protocol (x-ms-version 2019-02-02, JSON with OData type
/// annotations) through an Azure.Core pipeline with the same retries and credentials (shared key or token).
/// A transaction the store refuses applied nothing, so it comes back as null and the caller sends it again through
/// Azure.Data.Tables, whose exception names the failed action: only that rare path pays twice.
/// </summary>
public sealed class TransactionWire
{
    private const string Version = "2019-02-02";
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly JsonWriterOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private readonly HttpPipeline pipeline;
    private readonly string endpoint;

    private TransactionWire(HttpPipeline pipeline, Uri endpoint)
    {
        this.pipeline = pipeline;
        this.endpoint = endpoint.AbsoluteUri.TrimEnd('/');
    }

    /// <summary>A wire for this connection, or null where only the client library knows how to sign (SAS connection strings).</summary>
    public static TransactionWire? For(StorageConnection connection, ClientOptions options)
    {
        if (connection.ConnectionString is { } connectionString)
        {
            return SharedKeyOf(connectionString) is var (account, key, endpoint)
                ? new(HttpPipelineBuilder.Build(options, new SharedKeyLitePolicy(account, key)), endpoint)
                : null;
        }

        return new(HttpPipelineBuilder.Build(options, new BearerTokenAuthenticationPolicy(connection.Credential!, "https://storage.azure.com/.default")), connection.TableServiceUri!);
    }

    /// <summary>Account, key and table endpoint of a shared-key connection string (the emulator's shorthand included).</summary>
    internal static (string Account, byte[] Key, Uri Endpoint)? SharedKeyOf(string connectionString)
    {
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0], StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.OrdinalIgnoreCase);
        if (parts.TryGetValue("UseDevelopmentStorage", out var development) && bool.TryParse(development, out var isDevelopment) && isDevelopment)
        {
            return ("devstoreaccount1", Convert.FromBase64String(DevelopmentKey), new Uri("http://127.0.0.1:10002/devstoreaccount1"));
        }

        if (!parts.TryGetValue("AccountName", out var account) || !parts.TryGetValue("AccountKey", out var key))
        {
            return null;
        }

        var endpoint = parts.TryGetValue("TableEndpoint", out var explicitEndpoint)
            ? explicitEndpoint
            : $"{parts.GetValueOrDefault("DefaultEndpointsProtocol", "https")}://{account}.table.{parts.GetValueOrDefault("EndpointSuffix", "core.windows.net")}";
        return (account, Convert.FromBase64String(key), new Uri(endpoint));
    }

    /// <summary>
    /// The new ETag of each action, in order (null for a delete); null when the store refused the transaction or an
    /// entity holds a value this writer does not encode, in which case nothing was written.
    /// </summary>
    public async Task<ETag?[]?> TrySubmitAsync(string table, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        var batch = "batch_" + Guid.NewGuid().ToString("N");
        if (Body(table, actions, batch) is not { } body)
        {
            return null;
        }

        using var message = pipeline.CreateMessage();
        var request = message.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(new Uri($"{endpoint}/$batch"));
        request.Headers.SetValue("x-ms-version", Version);
        request.Headers.SetValue("DataServiceVersion", "3.0");
        request.Headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        request.Headers.SetValue("Accept", "application/json;odata=minimalmetadata");
        request.Headers.SetValue("Content-Type", $"multipart/mixed; boundary={batch}");
        request.Content = RequestContent.Create(body);
        await pipeline.SendAsync(message, cancellationToken);
        return message.Response.Status == 202 ? Results(message.Response.Content.ToString(), actions.Count) : null;
    }

    // One changeset holding every action, each a nested HTTP request (the Table service's OData batch format).
    private ReadOnlyMemory<byte>? Body(string table, IReadOnlyList<TableTransactionAction> actions, string batch)
    {
        var changeset = "changeset_" + Guid.NewGuid().ToString("N");
        var buffer = new ArrayBufferWriter<byte>(actions.Count * 1024 + 256);
        using var json = new Utf8JsonWriter(buffer, Json);
        Append(buffer, $"--{batch}\r\nContent-Type: multipart/mixed; boundary={changeset}\r\n\r\n");
        foreach (var action in actions)
        {
            if (action.Entity is not TableEntity entity)
            {
                return null;
            }

            var ifMatch = action.ETag == default ? ETag.All : action.ETag;
            var (method, addressed, etag) = action.ActionType switch
            {
                TableTransactionActionType.Add => ("POST", false, (ETag?)null),
                TableTransactionActionType.UpsertReplace => ("PUT", true, null),
                TableTransactionActionType.UpsertMerge => ("MERGE", true, null),
                TableTransactionActionType.UpdateReplace => ("PUT", true, ifMatch),
                TableTransactionActionType.UpdateMerge => ("MERGE", true, ifMatch),
                TableTransactionActionType.Delete => ("DELETE", true, ifMatch),
                _ => (null!, false, null),
            };
            if (method is null)
            {
                return null;
            }

            var url = addressed
                ? $"{endpoint}/{table}(PartitionKey='{KeyLiteral(entity.PartitionKey)}',RowKey='{KeyLiteral(entity.RowKey)}')"
                : $"{endpoint}/{table}";
            Append(buffer, $"--{changeset}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n{method} {url} HTTP/1.1\r\nAccept: application/json;odata=minimalmetadata\r\nDataServiceVersion: 3.0\r\n");
            if (etag is { } match)
            {
                Append(buffer, $"If-Match: {match}\r\n");
            }

            if (action.ActionType == TableTransactionActionType.Delete)
            {
                Append(buffer, "\r\n");
                continue;
            }

            Append(buffer, action.ActionType == TableTransactionActionType.Add
                ? "Prefer: return-no-content\r\nContent-Type: application/json\r\n\r\n"
                : "Content-Type: application/json\r\n\r\n");
            json.Reset(buffer);
            if (!TryWrite(json, entity))
            {
                return null;
            }

            json.Flush();
            Append(buffer, "\r\n");
        }

        Append(buffer, $"--{changeset}--\r\n--{batch}--\r\n");
        return buffer.WrittenMemory;
    }

    private static void Append(ArrayBufferWriter<byte> buffer, string text) => Encoding.UTF8.GetBytes(text, buffer);

    // OData key literal: quotes doubled, then escaped as a URI path segment.
    private static string KeyLiteral(string key) => Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));

    /// <summary>Properties as the service types them: strings, Int32 and booleans as JSON; the rest annotated.</summary>
    private static bool TryWrite(Utf8JsonWriter json, TableEntity entity)
    {
        json.WriteStartObject();
        foreach (var (name, value) in entity)
        {
            switch (value)
            {
                case null:
                    break;
                case ETag or DateTimeOffset when name is "odata.etag" or "Timestamp":
                    break;
                case string text:
                    json.WriteString(name, text);
                    break;
                case int number:
                    json.WriteNumber(name, number);
                    break;
                case bool flag:
                    json.WriteBoolean(name, flag);
                    break;
                case long number:
                    json.WriteString(name, number.ToString(CultureInfo.InvariantCulture));
                    json.WriteString(name + "@odata.type", "Edm.Int64");
                    break;
                case double number when double.IsFinite(number):
                    json.WriteNumber(name, number);
                    json.WriteString(name + "@odata.type", "Edm.Double");
                    break;
                case DateTimeOffset time:
                    json.WriteString(name, time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
                    json.WriteString(name + "@odata.type", "Edm.DateTime");
                    break;
                case DateTime time:
                    json.WriteString(name, time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
                    json.WriteString(name + "@odata.type", "Edm.DateTime");
                    break;
                case Guid id:
                    json.WriteString(name, id);
                    json.WriteString(name + "@odata.type", "Edm.Guid");
                    break;
                case byte[] bytes:
                    json.WriteBase64String(name, bytes);
                    json.WriteString(name + "@odata.type", "Edm.Binary");
                    break;
                default:
                    return false;
            }
        }

        json.WriteEndObject();
        return true;
    }

    /// <summary>Each part's ETag, when every part succeeded and there is one per action.</summary>
    internal static ETag?[]? Results(string response, int count)
    {
        var etags = new ETag?[count];
        var index = 0;
        var at = response.IndexOf("HTTP/1.1 ", StringComparison.Ordinal);
        while (at >= 0)
        {
            if (index >= count || !int.TryParse(response.AsSpan(at + 9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status >= 300)
            {
                return null;
            }

            var next = response.IndexOf("HTTP/1.1 ", at + 9, StringComparison.Ordinal);
            var part = next < 0 ? response.AsSpan(at) : response.AsSpan(at, next - at);
            var header = part.IndexOf("\nETag: ", StringComparison.OrdinalIgnoreCase);
            if (header >= 0)
            {
                var value = part[(header + 7)..];
                var end = value.IndexOfAny('\r', '\n');
                etags[index] = new ETag((end < 0 ? value : value[..end]).ToString());
            }

            index++;
            at = next;
        }

        return index == count ? etags : null;
    }

    /// <summary>SharedKeyLite for the Table service: the date and the canonical resource (account + path), signed with the key.</summary>
    private sealed class SharedKeyLitePolicy(string account, byte[] key) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message)
        {
            var date = DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture);
            message.Request.Headers.SetValue("x-ms-date", date);
            var signature = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{date}\n/{account}{message.Request.Uri.Path}")));
            message.Request.Headers.SetValue("Authorization", $"SharedKeyLite {account}:{signature}");
        }
    }
}
