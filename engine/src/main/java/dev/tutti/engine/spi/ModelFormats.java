package dev.tutti.engine.spi;

/** Format ids of the artifacts the bundled runtimes load. */
public final class ModelFormats {
    /** ONNX graph: one float32 input {@code [batch, features]}, output per {@code output} option. */
    public static final String ONNX = "onnx";
    /** TorchScript module saved by {@code torch.jit.save}: {@code forward(x: [batch, features])}. */
    public static final String TORCHSCRIPT = "torchscript";
    /** XGBoost model saved as JSON ({@code Booster.save_model("m.json")}). */
    public static final String XGBOOST_JSON = "xgboost-json";
    /** XGBoost model saved as Universal Binary JSON ({@code Booster.save_model("m.ubj")}). */
    public static final String XGBOOST_UBJ = "xgboost-ubj";
    /** LightGBM text model ({@code Booster.save_model}). */
    public static final String LIGHTGBM_TEXT = "lightgbm-text";
    /** Tutti's linear / logistic model JSON (see docs/formats.md). */
    public static final String LINEAR_JSON = "linear-json";

    private ModelFormats() {}
}
