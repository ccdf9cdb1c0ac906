using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading.Tasks;

namespace NnAnalyzers.IntegrationTests
{
    /// <summary>The outcome of one process run.</summary>
    public sealed record ProcessResult(int ExitCode, string Output)
    {
        public override string ToString() => $"exit {ExitCode}\n{Output}";
    }

    /// <summary>Runs the real dotnet CLI (and other programs) with a timeout, capturing stdout and stderr together.</summary>
    public static class DotnetCli
    {
        public static ProcessResult Dotnet(string workingDirectory, params string[] args) => Run("dotnet", workingDirectory, TimeSpan.FromMinutes(10), args);

        public static ProcessResult Run(string fileName, string workingDirectory, TimeSpan timeout, params string[] args)
        {
            var psi = new ProcessStartInfo(fileName)
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            psi.Environment["DOTNET_NOLOGO"] = "1";
            psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            // A build launched from inside `dotnet test` must not inherit the test host's MSBuild settings.
            psi.Environment.Remove("MSBuildExtensionsPath");
            psi.Environment.Remove("MSBuildSDKsPath");
            psi.Environment.Remove("MSBUILD_EXE_PATH");

            var output = new StringBuilder();
            using var process = new Process { StartInfo = psi };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit((int)timeout.TotalMilliseconds))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish in {timeout}:\n{output}");
            }

            process.WaitForExit();
            lock (output)
            {
                return new ProcessResult(process.ExitCode, output.ToString());
            }
        }

        /// <summary>A fresh temporary folder.</summary>
        public static string TempFolder(string prefix)
        {
            var dir = Path.Combine(Path.GetTempPath(), "nnanalyzers-it", prefix + "-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    /// <summary>Locates the repository from the test output folder.</summary>
    public static class Repo
    {
        public static string Root { get; } = Find();

        public static string Path(params string[] parts) => System.IO.Path.Combine(Root, System.IO.Path.Combine(parts));

        private static string Find()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "NnAnalyzers.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("NnAnalyzers.sln not found");
        }
    }
}
