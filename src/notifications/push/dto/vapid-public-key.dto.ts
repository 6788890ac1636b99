export class VapidPublicKeyDto {
  /**
   * The server's VAPID public key (base64url), the `applicationServerKey` of `PushManager.subscribe`.
   * @example BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U
   */
  key!: string;
}
