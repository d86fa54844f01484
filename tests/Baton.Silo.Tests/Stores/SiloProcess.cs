using System.Diagnostics;

namespace Baton.Silo.Tests.Stores;

/// <summary>A Baton.CrashHost silo as an OS process of its own, which a test can kill (SIGKILL), pause (SIGSTOP) and resume.</summary>
internal sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<string> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("SILO ", StringComparison.Ordinal) == true)
            {
                _address.TrySetResult(e.Data[5..]);
            }
            else if (e.Data == "STARTED")
            {
                _started.TrySetResult();
            }
        };
        process.Exited += (_, _) =>
        {
            _address.TrySetException(new InvalidOperationException($"The silo process exited with code {process.ExitCode} before it started."));
            _started.TrySetException(new InvalidOperationException($"The silo process exited with code {process.ExitCode} before it started."));
        };
    }

    public int Id => _process.Id;

    /// <summary>The silo's address as the store records owners (its parsable form).</summary>
    public string Address => _address.Task.Result;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts a CrashHost silo with <paramref name="arguments"/> and waits until it is active.</summary>
    public static async Task<SiloProcess> StartAsync(TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Baton.CrashHost.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var silo = new SiloProcess(process);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await silo._started.Task.WaitAsync(timeout);
        }
        catch
        {
            silo.Dispose();
            throw;
        }

        return silo;
    }

    /// <summary>SIGKILL: no shutdown code runs, no lease is released, the cluster learns of it by missed probes.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGSTOP: the process stays, silent, as a hung one would.</summary>
    public Task PauseAsync() => SignalAsync("STOP");

    /// <summary>SIGCONT.</summary>
    public Task ResumeAsync() => SignalAsync("CONT");

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                SignalAsync("CONT").GetAwaiter().GetResult();
                _process.Kill();
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // Not started, or gone already.
        }

        _process.Dispose();
    }

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {_process.Id}") { UseShellExecute = false })!;
        await kill.WaitForExitAsync();
    }
}
