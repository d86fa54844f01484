using Npgsql;

namespace Baton.Silo.Storage.Postgres;

/// <summary>
/// Statements that go to PostgreSQL together, in order, in one round trip: what a write sends. After a run, each statement
/// holds the rows it returned and how many rows it changed. Conditions that must hold (a fence, a unique start) are checked
/// in SQL with <c>baton_require</c>, which stops the batch with an error the store turns into its exception.
/// </summary>
internal sealed class PostgresBatch
{
    public List<Statement> Statements { get; } = [];

    /// <summary>Adds a statement written with <c>$name</c> parameters (see <see cref="PostgresStatement"/>).</summary>
    /// <param name="sql">The statement.</param>
    /// <param name="values">Its parameters' values, in order of first appearance.</param>
    /// <param name="returnsRows">Whether it returns a result set (a SELECT, or a RETURNING clause).</param>
    public Statement Add(string sql, object?[] values, bool returnsRows = false)
    {
        var statement = new Statement(PostgresStatement.For(sql), values, returnsRows);
        Statements.Add(statement);
        return statement;
    }

    /// <summary>Adds a statement whose <c>$name</c> parameters take their values by name from <paramref name="values"/>.</summary>
    public Statement Add(string sql, IReadOnlyDictionary<string, object?> values, bool returnsRows = false)
    {
        var rewritten = PostgresStatement.For(sql);
        var statement = new Statement(rewritten, rewritten.Order(values), returnsRows);
        Statements.Add(statement);
        return statement;
    }

    /// <summary>Adds a statement that returns rows nobody reads (a <c>SELECT baton_require(…)</c>).</summary>
    public Statement Check(string sql, params object?[] values) => Add(sql, values, returnsRows: true);

    /// <summary>One statement of a batch and, once run, its results.</summary>
    public sealed class Statement(PostgresStatement sql, object?[] values, bool returnsRows)
    {
        /// <summary>Whether the statement returns a result set (read or not).</summary>
        public bool ReturnsRows { get; } = returnsRows;

        /// <summary>The rows it returned, each as its column values, once the batch has run.</summary>
        public List<object?[]> Rows { get; } = [];

        /// <summary>How many rows the statement changed, once the batch has run.</summary>
        public int RowsAffected { get; set; }

        /// <summary>The first column of the first row it returned, or null.</summary>
        public object? Scalar => Rows.Count > 0 ? Rows[0][0] : null;

        public NpgsqlBatchCommand Command()
        {
            if (values.Length != sql.ParameterCount)
            {
                throw new ArgumentException($"The statement takes {sql.ParameterCount} parameters, not {values.Length}: {sql.Sql}");
            }

            Rows.Clear();
            RowsAffected = 0;
            var command = new NpgsqlBatchCommand(sql.Sql);
            foreach (var value in values)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
            }

            return command;
        }

        public void Read(NpgsqlDataReader reader)
        {
            var row = new object?[reader.FieldCount];
            reader.GetValues(row!);
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = row[i] is DBNull ? null : row[i];
            }

            Rows.Add(row);
        }
    }
}
