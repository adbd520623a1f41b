package io.github.vaespark.io.onnx;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXOperator;

/** The one-input, one-output ONNX operators the exported graphs need beyond Tribuo's set. */
enum UnaryOperator implements ONNXOperator {
    /** max(x, 0). */
    RELU("Relu"),
    /** tanh(x). */
    TANH("Tanh");

    private final String opName;

    UnaryOperator(String opName) {
        this.opName = opName;
    }

    @Override
    public String getOpName() {
        return opName;
    }

    @Override
    public int getNumInputs() {
        return 1;
    }

    @Override
    public int getNumOptionalInputs() {
        return 0;
    }

    @Override
    public int getNumOutputs() {
        return 1;
    }

    @Override
    public Map<String, ONNXAttribute> getAttributes() {
        return Collections.emptyMap();
    }

    @Override
    public Set<String> getMandatoryAttributeNames() {
        return Collections.emptySet();
    }

    @Override
    public int getOpVersion() {
        return OnnxExport.OPSET;
    }

    @Override
    public String getOpDomain() {
        return null; // the default ONNX domain, as Tribuo's own operators
    }
}
