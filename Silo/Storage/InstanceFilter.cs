using System.Globalization;
using System.Text.Json;
using Baton.Serialization;

namespace Baton.Silo.Storage;

/// <summary>A WHERE clause over the instances table, with its parameters in order of first appearance, for either store.</summary>
internal sealed class InstanceFilter
{
    /// <summary>The SQL the clause is written in.</summary>
    public enum Dialect
    {
        Sqlite,
        Postgres,
    }

    private readonly List<string> _clauses = new();
    private readonly List<(string Name, object? Value)> _parameters = new();

    /// <summary>The instances of one namespace that the filters match.</summary>
    /// <param name="namespaceName">
    /// The canonical namespace: the default one holds the keys without '/', another those that begin with its prefix; null
    /// where no other namespace is declared, so that the default one's queries pay for no filter.
    /// </param>
    public static InstanceFilter For(Dialect dialect, string? namespaceName, string? name, IReadOnlyCollection<WorkflowRuntimeStatus>? statuses, DateTime? createdFrom, DateTime? createdTo, string? idPrefix)
    {
        var filter = new InstanceFilter();
        if (namespaceName is not null && WorkflowNamespaces.IsDefault(namespaceName))
        {
            filter.Add(dialect == Dialect.Postgres ? "strpos(instance_id, '/') = 0" : "instr(instance_id, '/') = 0");
        }
        else if (namespaceName is not null)
        {
            idPrefix = WorkflowNamespaces.KeyPrefix(namespaceName) + idPrefix;
        }

        if (name is not null)
        {
            filter.Add("name = $name", ("$name", name));
        }

        if (statuses is { Count: > 0 })
        {
            filter.Add($"status IN ({string.Join(", ", statuses.Select(s => ((int)s).ToString(CultureInfo.InvariantCulture)))})");
        }

        if (createdFrom is { } from)
        {
            filter.Add("created_at >= $from", ("$from", from.ToUniversalTime().Ticks));
        }

        if (createdTo is { } to)
        {
            filter.Add("created_at < $to", ("$to", to.ToUniversalTime().Ticks));
        }

        if (!string.IsNullOrEmpty(idPrefix))
        {
            if (dialect == Dialect.Postgres)
            {
                // Ids sort bytewise there (COLLATE "C"): the prefix is a range of the primary key's index, which a LIKE with a
                // parameter (planned before its value is known) would not use; the LIKE then keeps exactly the ids it names.
                filter.Add(@"instance_id >= $prefixLow AND instance_id < $prefixLow || chr(1114111) AND instance_id LIKE $pattern ESCAPE '\'",
                    ("$prefixLow", idPrefix), ("$pattern", EscapeLike(idPrefix) + "%"));
            }
            else
            {
                filter.Add("substr(instance_id, 1, length($prefix)) = $prefix", ("$prefix", idPrefix));
            }
        }

        return filter;
    }

    /// <summary>The filters of a listing query (every one but paging), as listing and counting share them.</summary>
    public static InstanceFilter For(Dialect dialect, WorkflowQuery query) =>
        For(dialect, query.Namespace, query.Name, query.Statuses, query.CreatedFrom, query.CreatedTo, query.InstanceIdPrefix).Version(query.Version).CustomStatus(query.CustomStatus);

    public InstanceFilter Version(int? version)
    {
        if (version is { } v)
        {
            Add("version = $version", ("$version", v));
        }

        return this;
    }

    public InstanceFilter CustomStatus(string? value)
    {
        if (value is not null)
        {
            // A plain string matches a string status as well as raw JSON.
            Add("(custom_status = $custom OR custom_status = $customString)", ("$custom", value), ("$customString", JsonSerializer.Serialize(value, BatonJson.Options)));
        }

        return this;
    }

    /// <summary>Only the instances after the token's, in the listing's order (newest first, or oldest first).</summary>
    public InstanceFilter After(string? continuationToken, bool oldestFirst = false)
    {
        if (continuationToken is not null)
        {
            var (createdTicks, afterId) = ListContinuation.Parse(continuationToken);
            var beyond = oldestFirst ? ">" : "<";
            Add($"(created_at {beyond} $ctCreated OR (created_at = $ctCreated AND instance_id {beyond} $ctId))", ("$ctCreated", createdTicks), ("$ctId", afterId));
        }

        return this;
    }

    /// <summary>The listing's order: newest first, or oldest first; the instance id breaks ties, as the continuation token expects.</summary>
    public static string OrderBy(bool oldestFirst) =>
        oldestFirst ? "ORDER BY created_at ASC, instance_id ASC" : "ORDER BY created_at DESC, instance_id DESC";

    public string Where => _clauses.Count == 0 ? "" : "WHERE " + string.Join(" AND ", _clauses);

    /// <summary>The parameter values in order of first appearance, followed by <paramref name="more"/>.</summary>
    public object?[] Values(params object?[] more) => _parameters.Select(p => p.Value).Concat(more).ToArray();

    private static string EscapeLike(string value) =>
        value.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);

    private void Add(string clause, params (string Name, object? Value)[] parameters)
    {
        _clauses.Add(clause);
        _parameters.AddRange(parameters);
    }
}
