using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Baton.Silo.Storage.Sqlite;

/// <summary>
/// Read-only connections kept open with their commands prepared, for the reads every workflow makes (its status, history
/// and inbox): a pooled connection still parses each new command's SQL again, which cost about as much as the read.
/// </summary>
internal sealed class SqliteReaders(string connectionString) : IDisposable
{
    private const int MaxIdle = 16;

    private readonly ConcurrentBag<Session> _idle = new();

    /// <summary>A connection with its prepared commands, for one caller at a time; disposing it gives it back.</summary>
    public Session Rent()
    {
        if (_idle.TryTake(out var session))
        {
            return session;
        }

        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return new Session(this, connection);
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var session))
        {
            session.Close();
        }
    }

    private void Return(Session session)
    {
        if (_idle.Count < MaxIdle)
        {
            _idle.Add(session);
        }
        else
        {
            session.Close();
        }
    }

    internal sealed class Session(SqliteReaders owner, SqliteConnection connection) : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        public SqliteConnection Connection { get; } = connection;

        /// <summary>The command for <paramref name="sql"/>, prepared on first use, with <paramref name="values"/> bound to its parameters in order.</summary>
        public SqliteCommand Command(string sql, params (string Name, object? Value)[] values)
        {
            if (!_commands.TryGetValue(sql, out var command))
            {
                command = Connection.CreateCommand();
                command.CommandText = sql;
                foreach (var (name, _) in values)
                {
                    command.Parameters.Add(new SqliteParameter(name, null));
                }

                _commands.Add(sql, command);
            }

            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i].Value ?? DBNull.Value;
            }

            return command;
        }

        public void Dispose() => owner.Return(this);

        internal void Close()
        {
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }

            Connection.Dispose();
        }
    }
}
