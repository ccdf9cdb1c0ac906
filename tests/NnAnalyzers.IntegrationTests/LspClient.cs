using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;

namespace NnAnalyzers.IntegrationTests
{
    /// <summary>
    /// A minimal Language Server Protocol client over stdio (JSON-RPC with Content-Length framing): enough to start a
    /// real server, answer its requests, open a document and collect the diagnostics it publishes.
    /// </summary>
    public sealed class LspClient : IDisposable
    {
        private readonly Process _process;
        private readonly Stream _in;
        private readonly Thread _reader;
        private readonly object _writeLock = new object();
        private readonly ConcurrentDictionary<int, JsonNode?> _responses = new ConcurrentDictionary<int, JsonNode?>();
        private readonly Func<string, JsonNode?, JsonNode?> _answerServerRequest;
        private readonly StringBuilder _stderr = new StringBuilder();
        private int _nextId;

        public LspClient(string fileName, string workingDirectory, string[] args, Func<string, JsonNode?, JsonNode?> answerServerRequest)
        {
            _answerServerRequest = answerServerRequest;
            var psi = new ProcessStartInfo(fileName)
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            psi.Environment.Remove("MSBuildExtensionsPath");
            psi.Environment.Remove("MSBuildSDKsPath");
            psi.Environment.Remove("MSBUILD_EXE_PATH");
            _process = Process.Start(psi)!;
            _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (_stderr) { _stderr.AppendLine(e.Data); } } };
            _process.BeginErrorReadLine();
            _in = _process.StandardInput.BaseStream;
            _reader = new Thread(ReadLoop) { IsBackground = true };
            _reader.Start();
        }

        /// <summary>Every notification received, in order (method, params).</summary>
        public BlockingCollection<(string Method, JsonNode? Params)> Notifications { get; } = new BlockingCollection<(string, JsonNode?)>();

        /// <summary>What the server wrote to stderr (for failure messages).</summary>
        public string StandardError
        {
            get
            {
                lock (_stderr)
                {
                    return _stderr.ToString();
                }
            }
        }

        public JsonNode? Request(string method, JsonNode? parameters, TimeSpan timeout)
        {
            var id = Interlocked.Increment(ref _nextId);
            Send(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters });
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                if (_responses.TryRemove(id, out var response))
                {
                    return response;
                }

                if (_process.HasExited)
                {
                    throw new InvalidOperationException("the server exited: " + StandardError);
                }

                Thread.Sleep(20);
            }

            throw new TimeoutException($"no answer to {method} in {timeout}");
        }

        public void Notify(string method, JsonNode? parameters)
        {
            Send(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method, ["params"] = parameters });
        }

        private void Send(JsonObject message)
        {
            var body = Encoding.UTF8.GetBytes(message.ToJsonString());
            var header = Encoding.ASCII.GetBytes("Content-Length: " + body.Length + "\r\n\r\n");
            lock (_writeLock)
            {
                _in.Write(header, 0, header.Length);
                _in.Write(body, 0, body.Length);
                _in.Flush();
            }
        }

        private void ReadLoop()
        {
            var stream = _process.StandardOutput.BaseStream;
            try
            {
                while (true)
                {
                    var length = ReadHeaders(stream);
                    if (length < 0)
                    {
                        return;
                    }

                    var buffer = new byte[length];
                    var read = 0;
                    while (read < length)
                    {
                        var n = stream.Read(buffer, read, length - read);
                        if (n <= 0)
                        {
                            return;
                        }

                        read += n;
                    }

                    var message = JsonNode.Parse(buffer)!.AsObject();
                    var hasId = message.TryGetPropertyValue("id", out var idNode) && idNode is not null;
                    var hasMethod = message.TryGetPropertyValue("method", out var methodNode) && methodNode is not null;
                    if (hasMethod && hasId)
                    {
                        // A request from the server: answer it.
                        var result = _answerServerRequest(methodNode!.GetValue<string>(), message["params"]);
                        Send(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = idNode!.DeepClone(), ["result"] = result });
                    }
                    else if (hasMethod)
                    {
                        Notifications.Add((methodNode!.GetValue<string>(), message["params"]?.DeepClone()));
                    }
                    else if (hasId)
                    {
                        _responses[idNode!.GetValue<int>()] = message["result"]?.DeepClone() ?? message["error"]?.DeepClone();
                    }
                }
            }
            catch (IOException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }

        private static int ReadHeaders(Stream stream)
        {
            var line = new StringBuilder();
            var length = -1;
            while (true)
            {
                var b = stream.ReadByte();
                if (b < 0)
                {
                    return -1;
                }

                if (b == '\n')
                {
                    var text = line.ToString().TrimEnd('\r');
                    line.Clear();
                    if (text.Length == 0)
                    {
                        return length;
                    }

                    if (text.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                    {
                        length = int.Parse(text.Substring("Content-Length:".Length).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
                else
                {
                    line.Append((char)b);
                }
            }
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    try
                    {
                        Request("shutdown", null, TimeSpan.FromSeconds(10));
                        Notify("exit", null);
                        _process.WaitForExit(5000);
                    }
                    catch (Exception ex) when (ex is TimeoutException || ex is InvalidOperationException || ex is IOException)
                    {
                    }
                }
            }
            finally
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                }

                _process.Dispose();
            }
        }
    }
}
