export { labUp, labDown, labStatus, labFail, labHeal } from "../../lab";
import type { Inventory } from "../../lab";

export interface TestLabLike {
  readonly name: string;
  readonly inventory: Inventory;
}
