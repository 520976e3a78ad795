Console.WriteLine("benchmarks: pending");
