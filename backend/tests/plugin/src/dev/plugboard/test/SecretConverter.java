package dev.plugboard.test;

import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.StringConverter;

/**
 * A string converter that declares a PASSWORD setting named like Confluent's schema registry
 * credentials, so Plugboard's tests can check that a converter's secrets are kept hidden.
 */
public class SecretConverter implements Converter {
    private final StringConverter strings = new StringConverter();

    @Override
    public ConfigDef config() {
        return new ConfigDef()
            .define("schema.registry.url", ConfigDef.Type.STRING, "", ConfigDef.Importance.HIGH, "Registry URL")
            .define("credentials.source", ConfigDef.Type.STRING, "USER_INFO", ConfigDef.Importance.LOW, "Where the credentials come from")
            .define("registry.login", ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.HIGH, "user:password for the registry");
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        strings.configure(configs, isKey);
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        return strings.fromConnectData(topic, schema, value);
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        return strings.toConnectData(topic, value);
    }
}
