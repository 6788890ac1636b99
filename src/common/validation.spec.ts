import type { ArgumentMetadata } from '@nestjs/common';
import { BadRequestException } from '@nestjs/common';
import { IsInt, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { createValidationPipe, RequestValidationException } from './validation.js';

class Inner {
  @IsString()
  name!: string;
}

class Body {
  @IsInt()
  @Min(1)
  count!: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => Inner)
  inner?: Inner;
}

const asBody: ArgumentMetadata = { type: 'body', metatype: Body };

describe('the global validation pipe', () => {
  const pipe = createValidationPipe();

  it('passes a valid body through as an instance of its DTO', async () => {
    const value = await pipe.transform({ count: 3 }, asBody);
    expect(value).toBeInstanceOf(Body);
    expect(value).toEqual({ count: 3 });
  });

  it('reports a type error alone, nested fields by path, without echoing values', async () => {
    const error = await pipe.transform({ count: 'x', inner: { name: 7 } }, asBody).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationException);
    expect((error as RequestValidationException).details).toEqual([
      { field: 'count', errors: ['count must be an integer number'] },
      { field: 'inner.name', errors: ['name must be a string'] },
    ]);
  });

  it('reports every broken rule of a value of the right type', async () => {
    const error = await pipe.transform({ count: 0.5 }, asBody).catch((e: unknown) => e);
    expect((error as RequestValidationException).details).toEqual([
      { field: 'count', errors: ['count must be an integer number'] },
    ]);
    const negative = await pipe.transform({ count: -2 }, asBody).catch((e: unknown) => e);
    expect((negative as RequestValidationException).details).toEqual([
      { field: 'count', errors: ['count must not be less than 1'] },
    ]);
  });

  it('rejects unknown fields', async () => {
    const error = await pipe.transform({ count: 1, admin: true }, asBody).catch((e: unknown) => e);
    expect((error as RequestValidationException).details).toEqual([
      { field: 'admin', errors: ['property admin should not exist'] },
    ]);
  });

  it.each([[[1, 2]], ['text'], [null]])('rejects the non-object body %j', async (value) => {
    await expect(pipe.transform(value, asBody)).rejects.toThrow(
      new BadRequestException('Request body must be a JSON object'),
    );
  });

  it('treats a missing body as {}', async () => {
    const error = await pipe.transform(undefined, asBody).catch((e: unknown) => e);
    expect((error as RequestValidationException).details.map((d) => d.field)).toEqual(['count']);
  });
});
