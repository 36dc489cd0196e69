package io.mtgate;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The gateway: one Spring Boot application with the MTProto edge embedded. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class MtgateApplication {
    public static void main(String[] args) {
        SpringApplication.run(MtgateApplication.class, args);
    }
}
