namespace SmoothInfo.Policy.Model;

// The policy writes these in kebab-case (image-folder, weight-si, robust-z); see KebabCase.

public enum DatasetFormat { Csv, Tsv, Idx, ImageFolder, ImageCsv, Npy }

public enum FeatureScaling { None, Scale, Standardize }

/// <summary>
/// Gaussian: no finite network, the Gaussian kernel of an infinitely wide random-Fourier-feature network linearized in its
/// output layer (class-shared, bandwidth by the median heuristic); the starter for data without a model of its own.
/// Linear: a linear head with bias on the features as given (embeddings made elsewhere, a table, or a backbone's output),
/// solved in feature space (p x p) and streamed, so it scales to millions of samples (docs/kernels.md, "The linear probe").
/// </summary>
public enum ProbeKind { Mlp, Cnn, Gaussian, Linear }

/// <summary>
/// A pretrained image network whose features replace the pixels before the gaussian or linear probe (docs/kernels.md,
/// "Image backbones"). The user's own ONNX network is the mapping form of the key (<see cref="OnnxBackbonePolicy"/>).
/// </summary>
public enum Backbone { None, Resnet18 }

public enum Activation { Relu, Tanh, Gelu, Softplus }

public enum WeightsFormat { Auto, Safetensors, StateDict, Torchscript }

public enum JacobianProjectionKind { None, CoordinateSubset, SparseSign }

public enum TrainingDynamics
{
    /// <summary>Gradient descent with a fixed step: E_t = (I - eta*Theta_l)^t.</summary>
    Discrete,

    /// <summary>Gradient flow, the continuous-time limit: E_t = expm(-eta*t*Theta_l).</summary>
    Continuous,
}

public enum LossReduction
{
    /// <summary>Mean over samples: without sample i the step per remaining sample grows to eta*n/(n-1).</summary>
    Mean,

    /// <summary>Sum over samples: the leave-one-out run uses the same step.</summary>
    Sum,
}

public enum Measure { WeightSi, FunctionalSi, LooPrediction, WeightSiSgd }

public enum ComputeDevice { Auto, Cpu, Cuda }

public enum Precision { Float64, Float32 }

public enum ThresholdKind { Absolute, RobustZ, Quantile }

public enum ScoreSignal { LabelSurprise, FunctionalSi, WeightSi }

/// <summary>What a finding on a sample the baseline's snapshot holds unchanged (same content, same label) is in the build.</summary>
public enum UnchangedSamples { Warning, Error }

public enum ReportFormat { Json, Sarif, Html, Markdown }
