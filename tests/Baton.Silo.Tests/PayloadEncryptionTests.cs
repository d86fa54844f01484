using System.Security.Cryptography;
using System.Text;
using Baton.Samples;
using Baton.Silo.Hosting;
using Baton.TestingHost;
using Npgsql;

namespace Baton.Silo.Tests;

/// <summary>
/// Payloads encrypted at rest (BatonOptions.PayloadKeys): the store's files hold no plaintext input, result, event data
/// or large payload, clients and activities see plaintext, a rotated key still reads what the old one wrote, and a
/// missing key is named.
/// </summary>
public sealed class PayloadEncryptionTests
{
    private static readonly string K1 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string K2 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task WithAKey_TheSqliteFilesHoldNoPlaintextPayload_AndARotatedKeyStillReadsTheOldOnes()
    {
        var path = TestSilo.NewDatabasePath();
        var big = "big-secret-" + new string('x', 80 * 1024); // over the 64 KiB threshold: stored in a payload row
        await using (var silo = await TestSilo.StartAsync(path, options: Keys("k1", ("k1", K1))))
        {
            await RunSecretsAsync(silo, "old", big);
        }

        var files = string.Concat(new[] { path, path + "-wal" }.Where(File.Exists).Select(f => Encoding.UTF8.GetString(File.ReadAllBytes(f))));
        foreach (var secret in new[] { "Zanzibar-secret", "Hello, Zanzibar-secret!", "approver-secret", "big-secret-" })
        {
            Assert.DoesNotContain(secret, files);
        }

        Assert.Contains("{\"$enc\":\"v1.k1.", files);

        // Rotation: k2 encrypts from now on; k1 still reads what it wrote.
        await using (var silo = await TestSilo.StartAsync(path, options: Keys("k2", ("k1", K1), ("k2", K2))))
        {
            Assert.Equal("Hello, Zanzibar-secret!", (await silo.Client.GetStatusAsync("old-greet"))!.ReadOutput<string>());
            await RunSecretsAsync(silo, "new", big);
        }

        // Without k1, what it encrypted is refused by name, not misread.
        await using (var silo = await TestSilo.StartAsync(path, options: Keys("k2", ("k2", K2))))
        {
            Assert.Equal("Hello, Zanzibar-secret!", (await silo.Client.GetStatusAsync("new-greet"))!.ReadOutput<string>());
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => silo.Client.GetStatusAsync("old-greet"));
            Assert.Contains("key 'k1'", refused.ToString());
        }
    }

    [Fact]
    public async Task ACodecOfOurOwn_ReplacesTheBuiltInOne_AndEveryPayloadGoesThroughIt()
    {
        var path = TestSilo.NewDatabasePath();
        var codec = new ReversingCodec();
        await using (var silo = await TestSilo.StartAsync(path, services: s => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<Baton.Silo.Storage.IPayloadCodec>(s, codec)))
        {
            await RunSecretsAsync(silo, "rev", "big-secret-" + new string('x', 80 * 1024));
        }

        var files = string.Concat(new[] { path, path + "-wal" }.Where(File.Exists).Select(f => Encoding.UTF8.GetString(File.ReadAllBytes(f))));
        Assert.DoesNotContain("Zanzibar-secret", files);
        Assert.Contains("{\"$enc\":\"v1.rev.", files);
        Assert.True(codec.Decoded > 0 && codec.Encoded > 0);
    }

    /// <summary>A codec for the test: reverses the bytes, and counts.</summary>
    private sealed class ReversingCodec : Baton.Silo.Storage.IPayloadCodec
    {
        public int Encoded;
        public int Decoded;

        public byte[]? Encode(ReadOnlySpan<byte> payload, out string tag)
        {
            Interlocked.Increment(ref Encoded);
            tag = "rev";
            var bytes = payload.ToArray();
            Array.Reverse(bytes);
            return bytes;
        }

        public byte[] Decode(string tag, ReadOnlySpan<byte> encoded)
        {
            Assert.Equal("rev", tag);
            Interlocked.Increment(ref Decoded);
            var bytes = encoded.ToArray();
            Array.Reverse(bytes);
            return bytes;
        }
    }

    [SkippableFact]
    public async Task WithAKey_PostgresRowsHoldNoPlaintextPayload()
    {
        Skip.If(PostgresSchemaScope.ConnectionString is null, PostgresSchemaScope.SkipReason);
        await using var schema = PostgresSchemaScope.Create();
        await using (var silo = await TestSilo.StartAsync(options: Keys("k1", ("k1", K1)),
            store: b => b.UsePostgresStore(o => (o.ConnectionString, o.Schema) = (PostgresSchemaScope.ConnectionString!, schema.Schema))))
        {
            await RunSecretsAsync(silo, "pg", "big-secret-" + new string('x', 80 * 1024));
        }

        await using var connection = new NpgsqlConnection(PostgresSchemaScope.ConnectionString);
        await connection.OpenAsync();
        foreach (var table in new[] { "instances", "history", "payloads", "messages", "work_items" })
        {
            await using var dump = new NpgsqlCommand($"SELECT coalesce(string_agg(t::text, ' '), '') FROM \"{schema.Schema}\".{table} t", connection);
            var text = (string)(await dump.ExecuteScalarAsync())!;
            Assert.DoesNotContain("Zanzibar-secret", text);
            Assert.DoesNotContain("approver-secret", text);
            Assert.DoesNotContain("big-secret-", text);
        }
    }

    /// <summary>A chain, an event and a large input, each checked through the client (activities decrypt what they are given).</summary>
    private static async Task RunSecretsAsync(TestSilo silo, string prefix, string big)
    {
        await silo.Client.StartAsync(nameof(GreetingChain), new[] { "Zanzibar-secret" }, new() { InstanceId = $"{prefix}-greet" });
        Assert.Equal("Hello, Zanzibar-secret!", (await silo.Client.WaitForCompletionAsync($"{prefix}-greet", Eventually.Timeout)).ReadOutput<string>());
        await silo.Client.StartAsync(nameof(ApprovalWorkflow), 3600, new() { InstanceId = $"{prefix}-approve" });
        await silo.Client.RaiseEventAsync($"{prefix}-approve", "approval", "approver-secret");
        Assert.Equal("approved by approver-secret", (await silo.Client.WaitForCompletionAsync($"{prefix}-approve", Eventually.Timeout)).ReadOutput<string>());
        await silo.Client.StartAsync(nameof(GreetingChain), new[] { big }, new() { InstanceId = $"{prefix}-big" });
        Assert.Equal($"Hello, {big}!", (await silo.Client.WaitForCompletionAsync($"{prefix}-big", Eventually.Timeout)).ReadOutput<string>());
    }

    private static Action<BatonOptions> Keys(string active, params (string Name, string Key)[] keys) => o =>
    {
        foreach (var (name, key) in keys)
        {
            o.PayloadKeys[name] = key;
        }

        o.ActivePayloadKey = active;
    };
}
