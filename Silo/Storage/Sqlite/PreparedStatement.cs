using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Baton.Silo.Storage.Sqlite;

/// <summary>A command prepared once on a connection and re-bound on every run; parameters bind in order of first appearance.</summary>
internal sealed partial class PreparedStatement : IDisposable
{
    private readonly SqliteCommand _command;
    private readonly SqliteParameter[] _parameters;

    public PreparedStatement(SqliteConnection connection, string sql)
    {
        _command = connection.CreateCommand();
        _command.CommandText = sql;
        var names = ParameterName().Matches(sql).Select(m => m.Value).Distinct().ToArray();
        _parameters = names.Select(n => _command.Parameters.Add(new SqliteParameter(n, null))).ToArray();
    }

    public int Execute(params object?[] values)
    {
        Bind(values);
        return _command.ExecuteNonQuery();
    }

    public object? Scalar(params object?[] values)
    {
        Bind(values);
        return _command.ExecuteScalar();
    }

    public SqliteDataReader Query(params object?[] values)
    {
        Bind(values);
        return _command.ExecuteReader();
    }

    public void Dispose() => _command.Dispose();

    private void Bind(object?[] values)
    {
        if (values.Length != _parameters.Length)
        {
            throw new ArgumentException($"The statement takes {_parameters.Length} parameters, not {values.Length}: {_command.CommandText}");
        }

        for (var i = 0; i < values.Length; i++)
        {
            _parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    [GeneratedRegex(@"\$[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex ParameterName();
}
