SmoothInfo.Runtime.NativeMemory.ReturnLargeBuffersToTheSystem();
return SmoothInfo.Cli.SmoothInfoApp.Run(args, Console.Out, Console.Error);
