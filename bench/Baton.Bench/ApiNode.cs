using System.Diagnostics;
using System.Globalization;

namespace Baton.Bench;

/// <summary>The API node (Baton.Api, a silo on SQLite behind HTTP) as its own process on loopback, as users run it.</summary>
internal sealed class ApiNode : IDisposable
{
    private ApiNode(Process process, Uri address)
    {
        Process = process;
        Address = address;
    }

    public Process Process { get; }

    public Uri Address { get; }

    public static async Task<ApiNode> StartAsync(string dataDirectory, int httpPort, int siloPort)
    {
        var address = new Uri($"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}/");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "Baton.Api.dll"),
                     "--urls", address.AbsoluteUri.TrimEnd('/'),
                     "--Baton:DataDirectory", dataDirectory,
                     "--Orleans:SiloPort", siloPort.ToString(CultureInfo.InvariantCulture),
                     "--Orleans:GatewayPort", "0",
                     "--Logging:LogLevel:Default", "Warning",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.Error.WriteLine("node: " + line);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var node = new ApiNode(process, address);
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The API node exited with code {process.ExitCode} before it was healthy.");
            }

            try
            {
                if ((await http.GetAsync("health")).IsSuccessStatusCode)
                {
                    return node;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                node.Dispose();
                throw new TimeoutException("The API node was not healthy within 60 seconds.");
            }

            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }

        Process.Dispose();
    }
}
