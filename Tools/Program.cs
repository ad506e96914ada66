Console.Error.WriteLine("mlnet-cnn: not built yet");
return 1;
