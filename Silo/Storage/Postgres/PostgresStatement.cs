using System.Collections.Concurrent;
using System.Text;
using Npgsql;

namespace Baton.Silo.Storage.Postgres;

/// <summary>
/// SQL written with <c>$name</c> parameters (as the SQLite store writes it), rewritten once to PostgreSQL's positional
/// <c>$1</c>, <c>$2</c>… in order of first appearance and bound positionally, which spares Npgsql its own rewriting.
/// </summary>
internal sealed class PostgresStatement
{
    private static readonly ConcurrentDictionary<string, PostgresStatement> Cache = new(StringComparer.Ordinal);

    private PostgresStatement(string sql, string[] names)
    {
        Sql = sql;
        Names = names;
    }

    public string Sql { get; }

    /// <summary>The parameters' names, in order of first appearance: the order their values are bound in.</summary>
    public string[] Names { get; }

    public int ParameterCount => Names.Length;

    /// <summary>The values named in <paramref name="values"/>, in the order this statement binds them.</summary>
    /// <exception cref="ArgumentException">A parameter of the statement has no value.</exception>
    public object?[] Order(IReadOnlyDictionary<string, object?> values) => Array.ConvertAll(Names, name =>
        values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"No value for ${name} in: {Sql}"));

    /// <summary>The statement for <paramref name="sql"/>, rewritten on first use.</summary>
    public static PostgresStatement For(string sql) => Cache.GetOrAdd(sql, Rewrite);

    /// <summary>A command on <paramref name="connection"/> with <paramref name="values"/> bound in order of first appearance.</summary>
    public NpgsqlCommand Command(NpgsqlConnection connection, object?[] values)
    {
        if (values.Length != ParameterCount)
        {
            throw new ArgumentException($"The statement takes {ParameterCount} parameters, not {values.Length}: {Sql}");
        }

        var command = new NpgsqlCommand(Sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    private static PostgresStatement Rewrite(string sql)
    {
        var names = new List<string>();
        var text = new StringBuilder(sql.Length);
        var quoted = false;
        for (var i = 0; i < sql.Length; i++)
        {
            var c = sql[i];
            if (c == '\'')
            {
                quoted = !quoted;
            }

            if (quoted || c != '$' || i + 1 >= sql.Length || !(char.IsAsciiLetter(sql[i + 1]) || sql[i + 1] == '_'))
            {
                text.Append(c);
                continue;
            }

            var end = i + 1;
            while (end < sql.Length && (char.IsAsciiLetterOrDigit(sql[end]) || sql[end] == '_'))
            {
                end++;
            }

            var name = sql[(i + 1)..end];
            var index = names.IndexOf(name);
            if (index < 0)
            {
                names.Add(name);
                index = names.Count - 1;
            }

            text.Append('$').Append(index + 1);
            i = end - 1;
        }

        return new PostgresStatement(text.ToString(), [.. names]);
    }
}
