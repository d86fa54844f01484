using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Baton.Silo.Storage.Sqlite;

/// <summary>
/// A statement prepared once on a connection and re-bound on every run; parameters bind in order of first appearance
/// (SQLite numbers named parameters that way). <see cref="Execute"/> and <see cref="Scalar"/> bind and step the SQLite
/// statement directly: through <see cref="SqliteCommand"/>, every run looks each parameter up by name and allocates a
/// binder for it, which was an eighth of what a workflow allocated. <see cref="Query"/>, off the hot path, keeps the
/// command's reader.
/// </summary>
internal sealed class PreparedStatement : IDisposable
{
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private readonly SqliteConnection _connection;
    private readonly string _sql;
    private readonly sqlite3_stmt _statement;
    private readonly int _parameterCount;
    private SqliteCommand? _command;
    private byte[] _text = new byte[256];

    public PreparedStatement(SqliteConnection connection, string sql)
    {
        _connection = connection;
        _sql = sql;
        var rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out _statement, out var tail);
        SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        if (!string.IsNullOrWhiteSpace(tail))
        {
            _statement.Dispose();
            throw new ArgumentException($"A prepared statement holds one statement, not several: {sql}", nameof(sql));
        }

        _parameterCount = raw.sqlite3_bind_parameter_count(_statement);
    }

    /// <summary>Runs the statement to its end; the rows an INSERT, UPDATE or DELETE changed.</summary>
    public int Execute(params object?[] values)
    {
        Bind(values);
        try
        {
            while (Step())
            {
            }

            return raw.sqlite3_changes(_connection.Handle);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Runs the statement to its end; the first column of its first row, or null when it has none.</summary>
    public object? Scalar(params object?[] values)
    {
        Bind(values);
        try
        {
            object? first = null;
            if (Step())
            {
                first = Column(0);
                while (Step())
                {
                }
            }

            return first;
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Runs the statement as a command, for its rows.</summary>
    public SqliteDataReader Query(params object?[] values)
    {
        if (_command is null)
        {
            _command = _connection.CreateCommand();
            _command.CommandText = _sql;
            for (var i = 1; i <= _parameterCount; i++)
            {
                _command.Parameters.Add(new SqliteParameter(raw.sqlite3_bind_parameter_name(_statement, i).utf8_to_string(), null));
            }
        }

        CheckCount(values);
        for (var i = 0; i < values.Length; i++)
        {
            _command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return _command.ExecuteReader();
    }

    public void Dispose()
    {
        _command?.Dispose();
        _statement.Dispose();
    }

    private void Bind(object?[] values)
    {
        CheckCount(values);
        for (var i = 0; i < values.Length; i++)
        {
            var index = i + 1;
            var rc = values[i] switch
            {
                null or DBNull => raw.sqlite3_bind_null(_statement, index),
                string text => BindText(index, text),
                long number => raw.sqlite3_bind_int64(_statement, index, number),
                int number => raw.sqlite3_bind_int64(_statement, index, number),
                bool flag => raw.sqlite3_bind_int64(_statement, index, flag ? 1 : 0),
                double real => raw.sqlite3_bind_double(_statement, index, real),
                byte[] blob => raw.sqlite3_bind_blob(_statement, index, blob),
                Enum value => raw.sqlite3_bind_int64(_statement, index, Convert.ToInt64(value, CultureInfo.InvariantCulture)),
                var other => throw new NotSupportedException($"A statement parameter of type {other.GetType()} is not bound here: {_sql}"),
            };
            SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
        }
    }

    /// <summary>Binds text as UTF-8, the file's encoding, from a buffer the statement keeps: bound as UTF-16, SQLite converts it in a buffer of its own each time.</summary>
    private int BindText(int index, string text)
    {
        if (text.Length == 0)
        {
            return raw.sqlite3_bind_text(_statement, index, string.Empty); // An empty span would bind as NULL.
        }

        var length = Encoding.UTF8.GetByteCount(text);
        if (_text.Length < length)
        {
            _text = new byte[Math.Max(length, _text.Length * 2)];
        }

        Encoding.UTF8.GetBytes(text, _text);
        return raw.sqlite3_bind_text(_statement, index, _text.AsSpan(0, length)); // SQLite copies it (SQLITE_TRANSIENT).
    }

    private void CheckCount(object?[] values)
    {
        if (values.Length != _parameterCount)
        {
            throw new ArgumentException($"The statement takes {_parameterCount} parameters, not {values.Length}: {_sql}");
        }
    }

    /// <summary>One step: true at a row, false when done. Waits out another connection's lock, as the command would.</summary>
    private bool Step()
    {
        long? waitingSince = null;
        while (true)
        {
            var rc = raw.sqlite3_step(_statement);
            switch (rc)
            {
                case raw.SQLITE_ROW:
                    return true;
                case raw.SQLITE_DONE:
                    return false;
                case raw.SQLITE_BUSY or raw.SQLITE_LOCKED:
                    waitingSince ??= Stopwatch.GetTimestamp();
                    if (Stopwatch.GetElapsedTime(waitingSince.Value) >= BusyTimeout)
                    {
                        SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
                    }

                    raw.sqlite3_reset(_statement);
                    Thread.Sleep(50);
                    continue;
                default:
                    SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
                    return false;
            }
        }
    }

    private object? Column(int index) => raw.sqlite3_column_type(_statement, index) switch
    {
        raw.SQLITE_INTEGER => raw.sqlite3_column_int64(_statement, index),
        raw.SQLITE_FLOAT => raw.sqlite3_column_double(_statement, index),
        raw.SQLITE_TEXT => raw.sqlite3_column_text(_statement, index).utf8_to_string(),
        raw.SQLITE_BLOB => raw.sqlite3_column_blob(_statement, index).ToArray(),
        _ => null,
    };
}
