SmoothInfo.Runtime.NativeMemory.ReturnLargeBuffersToTheSystem();
int code = SmoothInfo.Cli.SmoothInfoApp.Run(args, Console.Out, Console.Error);
// The TorchScript child's results are its renamed safetensors file and what it printed: nothing to tear down.
if (args is [SmoothInfo.Models.Weights.TorchScriptWeights.ChildCommand, ..]) SmoothInfo.Runtime.ImmediateExit.WithCode(code);
return code;
