/**
 * The `srv6` provider block. Low-level binding: attributes are exactly
 * `ProviderConfig` of model/schema.ts.
 */
import { TerraformProvider } from "cdktf";
import type { Construct } from "constructs";
import { PROVIDER_SOURCE, PROVIDER_VERSION, providerConfigSchema, type ProviderConfig } from "../../model/schema";
import { checkAttributes } from "./schema-check";

export interface Srv6ProviderProps extends ProviderConfig {
  /** Terraform provider alias, for a second provider block in one stack. @default no alias */
  readonly alias?: string;
}

export class Srv6Provider extends TerraformProvider {
  static readonly TYPE = "srv6";
  readonly config: ProviderConfig;

  constructor(scope: Construct, id: string, props: Srv6ProviderProps = {}) {
    super(scope, id, {
      terraformResourceType: Srv6Provider.TYPE,
      terraformGeneratorMetadata: { providerName: Srv6Provider.TYPE, providerVersion: PROVIDER_VERSION },
      terraformProviderSource: PROVIDER_SOURCE,
    });
    const { alias, ...config } = props;
    checkAttributes(`provider ${Srv6Provider.TYPE} (${this.node.path})`, providerConfigSchema, { ...config });
    this.config = config;
    this.alias = alias;
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { ...this.config, alias: this.alias };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return this.synthesizeAttributes();
  }
}
