using System.Globalization;
using System.Text;

namespace Baton.Silo.Storage.Azure;

/// <summary>
/// The keys of the Azure store's rows. An instance's rows share its partition (its key, escaped: Azure refuses '/', '\',
/// '#', '?' and control characters in keys); the index rows' keys begin or end with fixed-width numbers, so that the
/// instance key between them needs no separator of its own.
/// </summary>
internal static class AzureKeys
{
    public const string Instance = "i";
    public const string Pending = "p";
    public const string HistoryPrefix = "h";
    public const string MessagePrefix = "m";
    public const string WorkPrefix = "w";
    public const string CallbackPrefix = "c";

    /// <summary>The index partition of the listing rows.</summary>
    public const string Listing = "l";

    /// <summary>The index partition of the silos that ever owned an instance (their owner partitions are scanned for orphans).</summary>
    public const string Owners = "owners";

    /// <summary>How many partitions the due-message rows are spread over.</summary>
    public const int DueShards = 8;

    private const int MaxMessageLow = 1 << 16;

    /// <summary>An instance key as a partition key: '%' and the characters Azure refuses become %XX.</summary>
    public static string Escape(string key)
    {
        var builder = default(StringBuilder);
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (c is '%' or '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                builder ??= new StringBuilder(key, 0, i, key.Length + 8);
                builder.Append(c > 0xFF ? "%u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) : "%" + ((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder?.Append(c);
            }
        }

        return builder?.ToString() ?? key;
    }

    public static string History(long position) => HistoryPrefix + position.ToString("D10", CultureInfo.InvariantCulture);

    public static string Message(long id) => MessagePrefix + id.ToString("D19", CultureInfo.InvariantCulture);

    public static string Work(int stepId) => WorkPrefix + stepId.ToString("D10", CultureInfo.InvariantCulture);

    public static string Callback(string token) => CallbackPrefix + Escape(token);

    /// <summary>The upper bound of a row-key range of rows beginning with <paramref name="prefix"/>.</summary>
    public static string After(string prefix) => prefix + "\uFFFF";

    /// <summary>
    /// A new message id for an instance: the millisecond it becomes visible in the high bits (so that its due row can be
    /// found from the id alone), random low bits.
    /// </summary>
    public static long NewMessageId(DateTime visibleAt) => MessageId(visibleAt, Random.Shared.Next(MaxMessageLow));

    /// <summary>The id of a message known by its source (a commit and its index), the same on every delivery of it.</summary>
    public static long MessageId(DateTime visibleAt, string source, int probe) =>
        MessageId(visibleAt, (int)((Hash(source) + (uint)probe) % MaxMessageLow));

    public static DateTime VisibleMillisecond(long messageId) =>
        new((messageId >> 16) * TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);

    /// <summary>The queue partition of the work-item rows.</summary>
    public static string Queue(string queue) => "q|" + Escape(queue);

    public static string QueueRow(string key, int stepId) => Escape(key) + "|" + stepId.ToString("D10", CultureInfo.InvariantCulture);

    public static (string Key, int StepId) ParseQueueRow(string row) =>
        (Unescape(row[..^11]), int.Parse(row.AsSpan(row.Length - 10), CultureInfo.InvariantCulture));

    /// <summary>The owner partition of the instances a silo (or the empty owner) holds.</summary>
    public static string Owner(string owner) => "o|" + Escape(owner);

    public static string Due(string key) => "d|" + (Hash(key) % DueShards).ToString(CultureInfo.InvariantCulture);

    public static IEnumerable<string> DueShardKeys() => Enumerable.Range(0, DueShards).Select(i => "d|" + i.ToString(CultureInfo.InvariantCulture));

    public static string DueRow(string key, long messageId) =>
        Millis(VisibleMillisecond(messageId)) + "|" + Escape(key) + "|" + messageId.ToString("D19", CultureInfo.InvariantCulture);

    public static string DueBound(DateTime at) => Millis(at);

    public static (string Key, long MessageId) ParseDueRow(string row) =>
        (Unescape(row[16..^20]), long.Parse(row.AsSpan(row.Length - 19), CultureInfo.InvariantCulture));

    /// <summary>
    /// The listing rows of an instance: one ascending by creation, one descending, each followed by the key as hex of its
    /// UTF-8 bytes (so that ties sort by key as PostgreSQL's bytewise order does; descending, with every digit inverted).
    /// </summary>
    public static string Ascending(long createdTicks, string key) => "a" + createdTicks.ToString("D19", CultureInfo.InvariantCulture) + "|" + Convert.ToHexString(Encoding.UTF8.GetBytes(key));

    public static string Descending(long createdTicks, string key)
    {
        var hex = Convert.ToHexString(Encoding.UTF8.GetBytes(key)).ToCharArray();
        for (var i = 0; i < hex.Length; i++)
        {
            hex[i] = "FEDCBA9876543210"[Convert.ToInt32(hex[i].ToString(), 16)];
        }

        // 'Z' sorts after every hex digit: a key sorts before the keys it is a prefix of, as descending order wants.
        return "z" + (DateTime.MaxValue.Ticks - createdTicks).ToString("D19", CultureInfo.InvariantCulture) + "|" + new string(hex) + "Z";
    }

    public static string Unescape(string escaped)
    {
        if (!escaped.Contains('%', StringComparison.Ordinal))
        {
            return escaped;
        }

        var builder = new StringBuilder(escaped.Length);
        for (var i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] != '%')
            {
                builder.Append(escaped[i]);
            }
            else if (escaped[i + 1] == 'u')
            {
                builder.Append((char)int.Parse(escaped.AsSpan(i + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 5;
            }
            else
            {
                builder.Append((char)int.Parse(escaped.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 2;
            }
        }

        return builder.ToString();
    }

    /// <summary>FNV-1a over the UTF-16 code units: stable across processes, unlike <see cref="string.GetHashCode()"/>.</summary>
    private static uint Hash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    private static long MessageId(DateTime visibleAt, int low) => ((visibleAt.Ticks / TimeSpan.TicksPerMillisecond) << 16) | (long)low;

    private static string Millis(DateTime at) => (at.Ticks / TimeSpan.TicksPerMillisecond).ToString("D15", CultureInfo.InvariantCulture);
}
