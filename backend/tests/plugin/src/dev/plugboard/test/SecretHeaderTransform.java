package dev.plugboard.test;

import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * A transformation that passes records on unchanged and declares a PASSWORD setting, so
 * Plugboard's tests can check that a transform's secrets are kept hidden.
 */
public class SecretHeaderTransform<R extends ConnectRecord<R>> implements Transformation<R> {
    @Override
    public ConfigDef config() {
        return new ConfigDef()
            .define("header.name", ConfigDef.Type.STRING, "x-signature", ConfigDef.Importance.LOW, "Header to add")
            .define("signing.material", ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.HIGH, "Material to sign with");
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public R apply(R record) {
        return record;
    }

    @Override
    public void close() {
    }
}
