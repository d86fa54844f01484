using System.Diagnostics;
using System.Text;

namespace Baton.Api.Tests;

/// <summary>The API host as a real child process (<c>dotnet Baton.Api.dll</c>), so that a test can kill it with SIGKILL.</summary>
internal sealed class ApiProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ApiProcess(Process process) => _process = process;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public int Id => _process.Id;

    public static ApiProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Baton.Api.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        var api = new ApiProcess(Process.Start(start)!);
        api._process.OutputDataReceived += (_, e) => api.Record(e.Data);
        api._process.ErrorDataReceived += (_, e) => api.Record(e.Data);
        api._process.BeginOutputReadLine();
        api._process.BeginErrorReadLine();
        return api;
    }

    /// <summary>The address the host listens on, once Kestrel has reported it.</summary>
    public async Task<Uri> ListeningAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_listening.Task, exited).WaitAsync(timeout);
        return first == _listening.Task ? await _listening.Task : throw new InvalidOperationException($"The API exited with {_process.ExitCode} before listening:\n{Output}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        const string marker = "Now listening on: ";
        if (line.Contains(marker, StringComparison.Ordinal))
        {
            _listening.TrySetResult(new Uri(line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].Trim()));
        }
    }
}
