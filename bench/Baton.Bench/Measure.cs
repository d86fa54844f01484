using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Baton.Bench;

/// <summary>Printing figures, and the meters the scenarios read: CPU time, resident memory, a synced commit.</summary>
internal static class Measure
{
    /// <summary>Prints one figure as <c>bench=name value=number unit=unit</c>.</summary>
    public static void Report(string name, double value, string unit) =>
        Console.WriteLine(FormattableString.Invariant($"bench={name} value={value:F2} unit={unit}"));

    public static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];

    /// <summary>CPU time (user and system) the process has used so far.</summary>
    public static TimeSpan CpuTime(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    /// <summary>Bytes this process has caused to be written to storage so far (Linux's <c>/proc/self/io</c>; 0 elsewhere).</summary>
    public static long BytesWritten()
    {
        const string File = "/proc/self/io";
        if (!System.IO.File.Exists(File))
        {
            return 0;
        }

        var line = System.IO.File.ReadLines(File).FirstOrDefault(l => l.StartsWith("write_bytes:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.AsSpan("write_bytes:".Length).Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The time one synced SQLite commit takes on this disk: a WAL file with synchronous=FULL, as Baton's store, one row
    /// per transaction, in sequence. A workflow needs one such commit per turn, so this is the floor of its latency.
    /// </summary>
    public static double SyncedCommitMilliseconds(string directory, int commits = 300)
    {
        SQLitePCL.Batteries_V2.Init();
        var path = Path.Combine(directory, "commit-probe.db");
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v BLOB);";
        command.ExecuteNonQuery();
        command.CommandText = "INSERT INTO t (v) VALUES (zeroblob(200))";
        for (var i = 0; i < 20; i++)
        {
            command.ExecuteNonQuery();
        }

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < commits; i++)
        {
            command.ExecuteNonQuery();
        }

        return watch.Elapsed.TotalMilliseconds / commits;
    }

    /// <summary>Samples a process's resident set every 50 ms until disposed, and keeps the largest.</summary>
    public sealed class PeakRss : IDisposable
    {
        private readonly Process _process;
        private readonly Timer _timer;
        private long _peak;

        public PeakRss(Process process)
        {
            _process = process;
            _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(50));
        }

        public double Megabytes
        {
            get
            {
                Sample();
                return Interlocked.Read(ref _peak) / (1024.0 * 1024.0);
            }
        }

        public void Dispose() => _timer.Dispose();

        private void Sample()
        {
            var rss = ReadRss(_process.Id);
            long seen;
            while (rss > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, rss, seen) != seen)
            {
            }
        }

        // Process.WorkingSet64 is cached per Process object and needs Refresh, which is not thread-safe: read /proc directly.
        private static long ReadRss(int pid)
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
            }

            return 0;
        }
    }
}
